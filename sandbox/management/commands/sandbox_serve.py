from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sandbox import faults, server


class Command(BaseCommand):
    help = "Serve the Cup Source API v1 sandbox with waitress (blocking, threaded)."
    # Only the sandbox's own checks: the sandbox must start whatever state the dashboard is in.
    requires_system_checks = ["sandbox"]

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.SANDBOX_PORT)

    def handle(self, *args, host, port, **options):
        try:
            faults.parse(settings.SANDBOX_FAULTS)
        except faults.FaultSpecError as exc:
            raise CommandError(str(exc)) from None

        def announce(url: str) -> None:
            self.stdout.write(f"Cup Source sandbox listening on {url}/v1 (Ctrl-C to stop)")
            if settings.SANDBOX_FAULTS:
                self.stdout.write(f"Injecting faults: {settings.SANDBOX_FAULTS}")
            self.stdout.flush()

        server.serve(host, port, on_start=announce)
