from django.tasks import task

from orders_app.services import orders_notify_stuck, orders_process_due
from orders_app.tracking import tracking_refresh_open
from supplier.client import get_client


@task()
def process_due_orders() -> int:
    """Send queued orders that are due and settle in-doubt ones (see services.py)."""
    with get_client() as client:
        return orders_process_due(client=client)


@task()
def refresh_open_tracking() -> int:
    """Keep tracking of undelivered orders fresh, at background priority."""
    with get_client() as client:
        return tracking_refresh_open(client=client)


@task()
def notify_stuck_orders() -> int:
    """Tell buyers whose orders are still not with Cup Source after 15 minutes."""
    return orders_notify_stuck()
