"""`manage.py run_worker`: django-tasks-db's `db_worker` (same options), riding out outages.

`db_worker` exits on any database error but a locked SQLite file — a PostgreSQL restart kills
it. This one catches a failed round (the database or Redis down), logs it, drops the broken
connections and starts again after a backoff (core/resilience.py). A task that fails because of
an outage is recorded as failed, as before; the ledger's sweep sends its order again later.

While a restore runs (core/backups.py), a task it picks up waits for the fence to come down.
"""

import time

from django_tasks_db.management.commands import db_worker

from core.backups import fenced
from core.resilience import Backoff, outage_seen


class ResilientWorker(db_worker.Worker):
    backoff_factory = Backoff
    sleep = staticmethod(time.sleep)

    def run(self) -> None:
        backoff = self.backoff_factory()
        while self.running:
            try:
                return super().run()
            except Exception as exc:  # the database (or a bug) — never SystemExit from SIGTERM
                wait = backoff.failed()
                outage_seen(f"Worker {','.join(self.queue_names)}", exc, wait)
                self.sleep(wait)  # SIGTERM meanwhile exits at once (no task is running)

    def run_task(self, db_task_result) -> None:
        while self.running and fenced():
            self.sleep(1.0)
        super().run_task(db_task_result)


class Command(db_worker.Command):
    help = "Run a database task worker that rides out database outages (see core/resilience.py)."

    def handle(self, *args, **options):
        # db_worker's handle() builds its Worker by the module's name: give it ours.
        original, db_worker.Worker = db_worker.Worker, ResilientWorker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original
