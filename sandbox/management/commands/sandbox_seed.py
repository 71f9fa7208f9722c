from django.core.management.base import BaseCommand, CommandError

from sandbox import services


class Command(BaseCommand):
    help = (
        "Make sure the sandbox catalog holds the first N generated SKUs (idempotent). "
        "Accounts, keys and orders are never touched."
    )
    requires_system_checks = ["sandbox"]

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=300, help="Catalog size (default 300).")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the catalog and build it afresh."
        )

    def handle(self, *args, products, reset, **options):
        if not 2 <= products <= 1_000_000:
            raise CommandError("--products must be between 2 and 1,000,000.")
        result = services.seed_catalog(products=products, reset=reset)
        self.stdout.write(
            f"Sandbox catalog: {result.total} products ({result.created} created"
            f"{', rebuilt' if reset else ''})."
        )
