from django.core.management.base import BaseCommand, CommandError

from sandbox import services


class Command(BaseCommand):
    help = "Create a sandbox API key and print it (only the key, on stdout)."
    requires_system_checks = ["sandbox"]

    def add_arguments(self, parser):
        parser.add_argument("--account", default="Sandbox Buyer", help="Account name.")
        parser.add_argument(
            "--unverified", action="store_true", help="The account's billing is unverified."
        )
        parser.add_argument("--read-only", action="store_true", help="The key cannot order.")
        parser.add_argument(
            "--expires-in", type=float, metavar="SECONDS", help="Expire after SECONDS."
        )
        parser.add_argument(
            "--key",
            help="Register this key instead of generating one (e.g. the CUPSOURCE_API_KEY the "
            "dashboard uses); registering it again updates its account and flags.",
        )

    def handle(self, *args, account, unverified, read_only, expires_in, key, **options):
        if expires_in is not None and expires_in <= 0:
            raise CommandError("--expires-in must be positive.")
        if key is not None and len(key) < 16:
            raise CommandError("--key must be at least 16 characters.")
        created = services.create_key(
            account_name=account,
            verified=not unverified,
            read_only=read_only,
            expires_in=expires_in,
            key=key,
        )
        self.stdout.write(created)
