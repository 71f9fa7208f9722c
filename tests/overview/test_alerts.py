"""Staff hear of what needs them once when it starts and once when it clears."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog_app.models import SyncRun
from notifications.models import Incident, Notification
from orders_app.models import Order, OrderEvent
from overview.alerts import check_alerts
from supplier.status import record_result


@pytest.fixture
def sam(django_user_model):
    return django_user_model.objects.create_user(
        "sam", email="sam@example.com", is_staff=True, password="pw-sam-12345"
    )


def subjects(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("subject", flat=True)
    )


def test_a_refused_api_key_is_told_once_and_its_end_once(sam, buyer):
    record_result(401)
    check_alerts()
    check_alerts()
    assert subjects(sam) == [
        "Cup Source refused Cupboard's API key (HTTP 401): orders wait until it is renewed"
    ]
    assert not Notification.objects.filter(recipient=buyer).exists()  # staff only
    record_result(200)
    check_alerts()
    check_alerts()
    assert len(subjects(sam)) == 2 and subjects(sam)[1].startswith("Resolved: Cup Source refused")
    record_result(401)  # a new incident: told again
    check_alerts()
    assert len(subjects(sam)) == 3
    assert Incident.objects.filter(resolved_at__isnull=True).count() == 1


def test_three_failed_syncs_in_a_row_are_an_incident(sam):
    for _ in range(2):
        SyncRun.objects.create(trigger="schedule", status="failed", error="boom")
    check_alerts()
    assert subjects(sam) == []
    SyncRun.objects.create(trigger="schedule", status="failed", error="boom")
    check_alerts()
    assert subjects(sam) == ["The catalog sync failed 3 times in a row"]


def test_an_order_unsure_for_half_an_hour_is_an_incident(sam, make_order):
    order = make_order(submit=False)
    Order.objects.filter(pk=order.pk).update(state=Order.State.IN_DOUBT)
    event = OrderEvent.objects.create(order=order, state=Order.State.IN_DOUBT, message="?")
    check_alerts()
    assert subjects(sam) == []
    OrderEvent.objects.filter(pk=event.pk).update(at=timezone.now() - timedelta(minutes=31))
    check_alerts()
    assert subjects(sam) == ["An order has been unsure at Cup Source for more than 30 minutes"]
    Order.objects.filter(pk=order.pk).update(state=Order.State.ACCEPTED)
    check_alerts()
    assert subjects(sam)[-1].startswith("Resolved: An order has been unsure")
