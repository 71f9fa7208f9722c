from django.tasks import task

from replenishment.services import standing_orders_remind_due, standing_orders_run_due
from supplier.client import get_client


@task()
def run_standing_orders() -> int:
    """Send the reminders that are due, then write (and send) the standing orders whose moment
    has come (see services.py)."""
    standing_orders_remind_due()
    with get_client() as client:
        return standing_orders_run_due(client=client)
