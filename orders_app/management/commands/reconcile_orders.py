from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from orders_app.restore import orders_reconcile_after_restore
from supplier.client import get_client


class Command(BaseCommand):
    help = (
        "After restoring the database by hand: ask Cup Source for its orders since the backup "
        "and re-import those the database lacks (`manage.py restore` does this itself). Stop "
        "the workers first. Nothing is sent to Cup Source."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            type=datetime.fromisoformat,
            help="When the backup was taken (ISO 8601, with its offset); default: the latest "
            "order activity in the database, less ten minutes.",
        )
        parser.add_argument(
            "--owner", help="Who owns re-imported orders no cart accounts for (a user name)."
        )

    def handle(self, *args, since, owner, **options):
        user = None
        if owner:
            user = get_user_model().objects.filter(username=owner).first()
            if user is None:
                raise CommandError(f"There is no user {owner!r}.")
        with get_client() as client:
            result = orders_reconcile_after_restore(client=client, since=since, owner=user)
        self.stdout.write(
            f"Cup Source listed {result.listed} orders since the backup: {result.known} known, "
            f"{result.found} found among the unsent, {result.reimported} re-imported "
            f"({result.requests} list requests)."
        )
