import signal
import time

from django.core.management.base import BaseCommand

from core.scheduler import tick


class Command(BaseCommand):
    help = "Enqueue periodic jobs (catalog sync, …) on their schedule. Run one next to the workers."

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
        while running:
            for name in tick():
                self.stdout.write(f"Enqueued {name}.")
            if once:
                return
            deadline = time.monotonic() + interval
            while running and time.monotonic() < deadline:
                time.sleep(0.5)
