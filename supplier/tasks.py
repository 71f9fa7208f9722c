import logging

from django.tasks import task

from cupsource.budget import Priority
from cupsource.errors import CupSourceError
from supplier.client import get_client
from supplier.status import supplier_check_due

logger = logging.getLogger(__name__)

CHECK_BUDGET_WAIT = 10.0  # a full budget means calls are being made: no need to ask


@task()
def check_supplier() -> None:
    """Keep the supplier connection status current when nothing else calls the API: ask it for
    one product when no other call has answered in the last minute (a busy system checks for
    free); its answer is recorded by the client hook like any other."""
    if not supplier_check_due():
        return
    try:
        with get_client(max_retries=0, budget_max_wait=CHECK_BUDGET_WAIT) as client:
            client.list_products(per_page=1, priority=Priority.BACKGROUND)
    except CupSourceError as exc:
        logger.info("Supplier check: %s", exc.message)
