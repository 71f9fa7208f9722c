from django.tasks import task

from overview.alerts import check_alerts


@task()
def staff_alerts() -> None:
    """Open or resolve the staff's incidents (overview/alerts.py)."""
    check_alerts()
