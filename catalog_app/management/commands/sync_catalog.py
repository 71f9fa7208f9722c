from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog_app.models import SyncRun
from catalog_app.services import SyncAlreadyRunning, catalog_sync
from supplier.client import get_client


class Command(BaseCommand):
    help = "Mirror the supplier catalog now (pages through GET /products within the API budget)."

    def handle(self, *args, **options):
        bar = tqdm(unit="page", desc="Syncing catalog", disable=options["verbosity"] == 0)

        def progress(done: int, expected: int) -> None:
            bar.total = expected
            bar.update(done - bar.n)

        try:
            with get_client() as client:
                run = catalog_sync(
                    client=client, trigger=SyncRun.Trigger.COMMAND, progress=progress
                )
        except SyncAlreadyRunning as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        if run.status == SyncRun.Status.FAILED:
            raise CommandError(f"Sync failed; the previous catalog is unchanged. {run.error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalog synced: {run.pages} pages, {run.created} new, {run.updated} updated, "
                f"{run.discontinued} discontinued."
            )
        )
