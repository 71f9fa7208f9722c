from core.user_facts import user_fact
from notifications.services import UNREAD


def bell(request):
    """The header's bell: how many notifications the user has not read (from the shared
    per-user cache: no query on most pages)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": user_fact(request, UNREAD)}
