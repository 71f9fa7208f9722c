"""Which orders wait for approval: the subtotal against the buyer's spending threshold."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from orders_app.models import BuyerSettings, Order
from orders_app.services import approval_threshold_for, orders_process_due

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_an_order_over_the_default_threshold_waits_for_approval(buyer, place):
    order = place(buyer)  # $2,880.00 > $2,500.00
    assert order.state == Order.State.PENDING_APPROVAL
    assert order.approval_threshold == Decimal("2500.00")
    assert "over the approval limit of $2,500.00" in order.events.get().message


def test_an_order_under_the_threshold_is_sent_at_once(buyer, place):
    order = place(buyer, qty=50_000)  # $2,400.00
    assert order.state == Order.State.SUBMITTING
    assert order.approval_threshold is None


def test_an_order_exactly_at_the_threshold_needs_no_approval(buyer, place, settings):
    settings.APPROVAL_THRESHOLD = Decimal("2880.00")
    assert place(buyer).state == Order.State.SUBMITTING


def test_the_organisation_default_comes_from_the_setting(buyer, place, settings):
    settings.APPROVAL_THRESHOLD = Decimal("100.00")
    order = place(buyer, qty=3_000)  # $144.00
    assert order.state == Order.State.PENDING_APPROVAL
    assert order.approval_threshold == Decimal("100.00")


def test_a_buyers_own_threshold_overrides_the_default(buyer, place, other_buyer):
    BuyerSettings.objects.create(user=buyer, approval_threshold=Decimal("5000.00"))
    BuyerSettings.objects.create(user=other_buyer, approval_threshold=None)
    assert approval_threshold_for(buyer) == Decimal("5000.00")
    assert approval_threshold_for(other_buyer) == Decimal("2500.00")
    assert place(buyer).state == Order.State.SUBMITTING


def test_a_zero_threshold_sends_every_order_to_approval(buyer, place):
    BuyerSettings.objects.create(user=buyer, approval_threshold=Decimal("0"))
    assert place(buyer, qty=2_000).state == Order.State.PENDING_APPROVAL


def test_approvers_own_orders_wait_for_approval_too(approver, place):
    assert place(approver).state == Order.State.PENDING_APPROVAL


def test_the_worker_never_sends_an_order_waiting_for_approval(buyer, place, supplier):
    order = place(buyer)
    with supplier.client() as client:
        assert orders_process_due(client=client) == 0
    assert supplier.posts == []
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_APPROVAL


def test_a_bad_threshold_setting_stops_the_start():
    env = {**os.environ, "DJANGO_READ_DOT_ENV": "false", "APPROVAL_THRESHOLD": "lots"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "APPROVAL_THRESHOLD must be an amount in USD" in result.stderr
