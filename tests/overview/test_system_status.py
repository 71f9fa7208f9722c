"""Admin › System status: staff see the connection, budget, sync, order queue and workers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog_app.models import SyncRun
from cupsource import Priority
from orders_app.models import Order
from supplier.client import get_budget
from supplier.status import record_result

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "catalog"]}
}


@pytest.fixture
def status_page(admin_client):
    def get() -> str:
        response = admin_client.get(reverse("system_status"))
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_it_shows_every_part_and_makes_no_api_call(status_page, no_api):
    record_result(200)
    page = status_page()
    for heading in ("Cup Source connection", "Request budget", "Catalog",
                    "Orders not yet with Cup Source", "Background work"):  # fmt: skip
        assert heading in page
    assert "Connected." in page
    assert no_api == []


def test_buyers_are_sent_to_the_admin_login(buyer_client):
    response = buyer_client.get(reverse("system_status"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_home_links_to_it(admin_client):
    assert reverse("system_status") in admin_client.get(reverse("admin:index")).content.decode()


def test_it_counts_the_requests_of_the_last_minute(status_page):
    budget = get_budget()
    for _ in range(3):
        budget.reserve(Priority.BACKGROUND)

    assert "<strong>3</strong> of <strong>120</strong> requests used" in status_page()


def test_it_says_what_the_supplier_problem_is(status_page):
    record_result(401)
    page = status_page()
    assert "Not working:" in page and "refused Cupboard&#x27;s API key" in page


def test_it_shows_orders_waiting_by_state(status_page, buyer):
    Order.objects.create(
        placed_by=buyer, state=Order.State.QUEUED, reference="Q-1", payload={},
        expected_subtotal=Decimal("1"), next_attempt_at=timezone.now() + timedelta(minutes=2),
    )  # fmt: skip
    page = status_page()
    queued_row = page.split("?state__exact=queued")[1].split("</tr>")[0]
    assert "<td>1</td>" in queued_row and "from now" in queued_row


def test_it_shows_the_last_sync_and_its_error(status_page):
    SyncRun.objects.create(
        trigger="schedule", status=SyncRun.Status.FAILED, finished_at=timezone.now(),
        error="Cup Source did not answer in time",
    )  # fmt: skip
    page = status_page()
    assert "Cup Source did not answer in time" in page
    assert "No sync has succeeded yet." in page


def test_a_task_waiting_for_minutes_points_at_the_worker(status_page, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    waiting = DBTaskResult.objects.create(
        task_path="orders_app.tasks.process_due_orders", queue_name="default",
        backend_name="default", args_kwargs={"args": [], "kwargs": {}}, run_after=timezone.now(),
    )  # fmt: skip
    DBTaskResult.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    DBTaskResult.objects.create(
        task_path="catalog_app.tasks.sync_catalog", queue_name="catalog", backend_name="default",
        args_kwargs={"args": [], "kwargs": {}}, run_after=timezone.now(), status="FAILED",
        finished_at=timezone.now(), exception_class_path="cupsource.errors.APITimeoutError",
    )  # fmt: skip

    page = status_page()

    assert "is <code>run_worker --queue-name default</code> running?" in page
    assert "run_worker --queue-name catalog</code> running?" not in page
    assert "catalog_app.tasks.sync_catalog — cupsource.errors.APITimeoutError" in page
    assert "orders-due" in page  # the scheduler's jobs, with when each was last enqueued


def test_without_the_database_task_backend_it_says_so(status_page):
    assert "Tasks run with <code>django.tasks.backends.immediate.ImmediateBackend</code>" in (
        status_page()
    )


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(15, "15 seconds"), (1, "1 second"), (60, "1 minute"), (900, "15 minutes"),
     (90, "90 seconds"), (86400, "1 day"), (7200, "2 hours")],
)  # fmt: skip
def test_intervals_are_said_as_people_say_them(seconds, said):
    from overview.status import _every

    assert _every(seconds) == said
