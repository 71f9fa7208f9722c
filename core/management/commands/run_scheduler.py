import signal

from django.core.management.base import BaseCommand

from core.scheduler import run


class Command(BaseCommand):
    help = (
        "Enqueue periodic jobs (catalog sync, …) on their schedule. Run one next to the workers; "
        "it rides out database and Redis outages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between checks.")
        parser.add_argument("--once", action="store_true", help="Check once and exit.")

    def handle(self, *args, interval, once, **options):
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        run(
            interval=interval,
            once=once,
            running=lambda: running,
            report=lambda name: self.stdout.write(f"Enqueued {name}."),
        )
