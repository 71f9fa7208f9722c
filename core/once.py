"""Single-use confirmations: a form that adds things (the quick-order pad's "Add", a CSV's
"Add to cart", a list into the cart, a reorder) carries a fresh random token; the service that
does the work consumes it in the same transaction, so a double click, a Back and resubmit or a
replayed request adds nothing the second time — and a failed attempt, rolled back, leaves the
token usable for a retry.

    {% load once %}<form …>{% once_field %}…</form>       # in the template
    service(…, once=request.POST.get("once"))             # in the view
    with transaction.atomic(): consume(once); …           # in the service (AlreadyDone)
"""

import re
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import UsedToken

FIELD = "once"
TOKEN_RE = re.compile(r"^[0-9a-f]{32,64}$")
KEEP_FOR = timedelta(days=7)  # longer than any page stays open; then the rows are pruned


class AlreadyDone(Exception):
    """The confirmation was used already (or the form carried none): nothing was done again."""

    def __init__(self, message: str = "That was already done: nothing was added again."):
        super().__init__(message)
        self.message = message


def new_token() -> str:
    return secrets.token_hex(16)


def consume(token: str | None) -> None:
    """Use up `token` in the current transaction; AlreadyDone if it was used (or is not a
    token). Call it inside the transaction that does the work."""
    if not token or not TOKEN_RE.match(token):
        raise AlreadyDone("This page is out of date: reload it and try again. Nothing was added.")
    try:
        with transaction.atomic():
            UsedToken.objects.create(token=token)
    except IntegrityError:
        raise AlreadyDone() from None


def _expired(now=None):
    return UsedToken.objects.filter(used_at__lt=(now or timezone.now()) - KEEP_FOR)


def prune_due() -> bool:
    return _expired().exists()


def prune(*, now=None) -> int:
    """Forget tokens used more than KEEP_FOR ago (a page that old is reloaded anyway)."""
    deleted, _ = _expired(now).delete()
    return deleted
