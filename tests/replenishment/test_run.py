"""On the day: the scheduler writes one order per date through the ledger — stock and prices
re-checked, the shortage choice applied, thresholds and approvals as at checkout — and exactly
one, through restarts and crashes. The day before, a reminder."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notification
from orders_app.models import Order
from orders_app.services import orders_process_due
from replenishment import services
from replenishment.models import Occurrence, StandingOrder
from replenishment.services import occurrence_plan
from tests.replenishment.conftest import FIRST_DAY, FIRST_REMINDER, FIRST_RUN

SECOND_DAY = date(2026, 3, 16)


def posts(supplier):
    return [body for _, body in supplier.posts]


def test_on_the_day_it_writes_and_sends_one_order_through_the_ledger(
    make_standing, at_supplier, supplier, run, buyer
):
    so = make_standing()

    assert run(FIRST_RUN - timedelta(minutes=1)) == 0
    assert run(FIRST_RUN) == 1

    order = Order.objects.get()
    assert (order.state, order.placed_by, order.po_number) == (
        "accepted",
        buyer,
        "WEEKLY-2026-03-02",
    )
    assert [(line.sku, line.qty) for line in order.lines.all()] == [
        ("CS-8OZ-ECO", 10_000), ("CS-DOME-LID", 10_000),
    ]  # fmt: skip
    assert order.notes.startswith("From the standing order “Weekly café” for Mon, Mar 2.")
    assert order.events.first().message == (
        "Written by the standing order “Weekly café” for Mon, Mar 2; sending it to Cup Source."
    )
    assert len(posts(supplier)) == 1
    occurrence = so.occurrences.get()
    assert (occurrence.date, occurrence.outcome, occurrence.order) == (FIRST_DAY, "placed", order)
    so.refresh_from_db()
    assert so.next_date == SECOND_DAY
    ran = Notification.objects.get(kind="standing_ran")
    assert ran.recipient == buyer and ran.subject == (
        f"“Weekly café” for Mon, Mar 2 was ordered: {order.reference}"
    )
    assert Notification.objects.filter(kind="placed", recipient=buyer).count() == 1


def test_running_again_after_a_restart_writes_nothing_more(
    make_standing, at_supplier, supplier, run
):
    make_standing()
    run(FIRST_RUN)

    assert run(FIRST_RUN + timedelta(minutes=1)) == 0
    assert run(FIRST_RUN + timedelta(hours=3)) == 0

    assert Order.objects.count() == 1
    assert len(supplier.posts) == 1


def test_each_date_gets_its_own_order_and_po(make_standing, at_supplier, supplier, run):
    so = make_standing(po_pattern="CAFE-{n}-{date}")
    run(FIRST_RUN)
    run(FIRST_RUN + timedelta(days=14))

    assert sorted(Order.objects.values_list("po_number", flat=True)) == [
        "CAFE-1-2026-03-02", "CAFE-2-2026-03-16",
    ]  # fmt: skip
    assert sorted(so.occurrences.values_list("date", flat=True)) == [FIRST_DAY, SECOND_DAY]


def test_the_second_date_is_ordered_at_06_00_local_after_the_clocks_change(
    make_standing, at_supplier, supplier, run
):
    """Mar 16 is after Los Angeles moved to daylight time: 06:00 there is 13:00 UTC, an hour
    earlier in UTC than Mar 2's 14:00."""
    make_standing()
    run(FIRST_RUN)
    second = FIRST_RUN + timedelta(days=14) - timedelta(hours=1)

    assert run(second - timedelta(minutes=1)) == 0
    assert run(second) == 1


def test_a_skipped_date_is_not_ordered(make_standing, at_supplier, supplier, run, buyer):
    so = make_standing()
    services.standing_order_skip(standing_order=so, user=buyer)

    assert run(FIRST_RUN) == 0
    assert run(FIRST_RUN + timedelta(days=14)) == 1
    assert list(Order.objects.values_list("po_number", flat=True)) == ["WEEKLY-2026-03-16"]


def test_a_paused_standing_order_orders_nothing(make_standing, at_supplier, supplier, run, buyer):
    so = make_standing()
    services.standing_order_pause(standing_order=so, user=buyer)

    assert run(FIRST_RUN + timedelta(days=1)) == 0
    assert not Order.objects.exists()


def test_an_ended_standing_order_orders_nothing_after_its_last_date(
    make_standing, at_supplier, supplier, run
):
    so = make_standing(end_date=FIRST_DAY)
    run(FIRST_RUN)
    so.refresh_from_db()
    assert so.status == "ended"

    assert run(FIRST_RUN + timedelta(days=14)) == 0
    assert Order.objects.count() == 1


def test_over_the_spending_limit_it_waits_for_an_approver(
    make_standing, at_supplier, supplier, run, buyer, approver, settings
):
    settings.APPROVAL_THRESHOLD = 500
    so = make_standing()

    run(FIRST_RUN)

    order = Order.objects.get()
    assert order.state == "pending_approval"
    assert supplier.posts == []
    occurrence = so.occurrences.get()
    assert occurrence.outcome == "placed"
    assert "over the spending limit of $500.00: it waits for an approver" in occurrence.message
    assert Notification.objects.filter(kind="approval_requested", recipient=approver).exists()
    assert "waits for approval" in Notification.objects.get(kind="standing_ran").subject


def test_prices_are_rechecked_and_the_change_is_told(
    make_standing, at_supplier, supplier, run, cup
):
    at_supplier("CS-8OZ-ECO", unit_price="0.0500")
    so = make_standing()

    run(FIRST_RUN)

    line = Order.objects.get().lines.get(sku="CS-8OZ-ECO")
    cup.refresh_from_db()
    assert str(cup.unit_price) == "0.0500"  # the mirror is up to date
    assert so.occurrences.get().order.expected_subtotal == pytest.approx(10_000 * 0.05 + 300)
    ran = Notification.objects.get(kind="standing_ran")
    assert "CS-8OZ-ECO: the unit price changed from $0.0480 to $0.0500." in ran.context["changes"]
    assert line.unit_price is not None


# --- short of stock, by the buyer's choice ---------------------------------------------------


def test_reduce_orders_the_whole_cases_in_stock(make_standing, at_supplier, supplier, run):
    at_supplier("CS-8OZ-ECO", stock=6_400)
    so = make_standing(on_shortage="reduce")

    run(FIRST_RUN)

    order = Order.objects.get()
    assert order.state == "accepted"
    assert dict(order.lines.values_list("sku", "qty")) == {"CS-8OZ-ECO": 6000,
                                                          "CS-DOME-LID": 10_000}  # fmt: skip
    assert "CS-8OZ-ECO: only 6,400 in stock, so 6,000 instead of 10,000." in order.notes
    assert so.occurrences.get().outcome == "placed"


def test_reduce_leaves_a_line_out_when_the_stock_is_under_its_minimum(
    make_standing, at_supplier, supplier, run
):
    at_supplier("CS-8OZ-ECO", stock=1_500)  # the minimum is 2,000
    make_standing(on_shortage="reduce")

    run(FIRST_RUN)

    assert list(Order.objects.get().lines.values_list("sku", flat=True)) == ["CS-DOME-LID"]


def test_drop_leaves_short_lines_out(make_standing, at_supplier, supplier, run):
    at_supplier("CS-DOME-LID", stock=4_000)
    make_standing(on_shortage="drop")

    run(FIRST_RUN)

    order = Order.objects.get()
    assert dict(order.lines.values_list("sku", "qty")) == {"CS-8OZ-ECO": 10_000}
    assert "CS-DOME-LID: only 4,000 in stock, you want 10,000: left out." in order.notes


def test_hold_writes_the_whole_order_held_for_review_and_sends_nothing(
    make_standing, at_supplier, supplier, run, buyer
):
    at_supplier("CS-DOME-LID", stock=4_000)
    so = make_standing(on_shortage="hold")

    run(FIRST_RUN)

    order = Order.objects.get()
    assert order.state == "held"
    assert dict(order.lines.values_list("sku", "qty")) == {"CS-8OZ-ECO": 10_000,
                                                          "CS-DOME-LID": 10_000}  # fmt: skip
    assert order.problem == "Only 4,000 of CS-DOME-LID in stock, you want 10,000."
    assert supplier.posts == []
    assert so.occurrences.get().outcome == "held"
    assert "is held for your review" in Notification.objects.get(kind="standing_ran").subject


def test_a_held_order_is_sent_once_the_buyer_has_reviewed_it(
    make_standing, at_supplier, supplier, run, buyer
):
    from orders_app.services import order_resubmit, order_submit

    at_supplier("CS-DOME-LID", stock=4_000)
    make_standing(on_shortage="hold")
    run(FIRST_RUN)
    order = Order.objects.get()
    lid_line = order.lines.get(sku="CS-DOME-LID")

    order = order_resubmit(order=order, user=buyer, quantities={lid_line.pk: 4000})
    with supplier.client() as client:
        order = order_submit(order=order, client=client)

    assert order.state == "accepted"
    assert posts(supplier)[0]["items"] == [{"sku": "CS-8OZ-ECO", "qty": 10_000},
                                           {"sku": "CS-DOME-LID", "qty": 4_000}]  # fmt: skip
    assert "Reviewed and sent." in order.events.values_list("message", flat=True)


def test_when_nothing_can_be_ordered_no_order_is_written_and_the_buyer_hears_why(
    make_standing, at_supplier, supplier, run, cup
):
    at_supplier("CS-8OZ-ECO", stock=0)
    so = make_standing(items=[(cup, 10_000)], on_shortage="drop")

    run(FIRST_RUN)

    assert not Order.objects.exists()
    occurrence = so.occurrences.get()
    assert (occurrence.outcome, occurrence.order) == ("not_placed", None)
    assert occurrence.message == "Not ordered: none of its lines could be ordered."
    assert Notification.objects.get(kind="standing_ran").subject == (
        "“Weekly café” did not order for Mon, Mar 2"
    )
    so.refresh_from_db()
    assert so.next_date == SECOND_DAY


def test_a_product_cup_source_no_longer_offers_is_left_out(
    make_standing, at_supplier, supplier, run, cup
):
    del supplier.products["CS-DOME-LID"]
    make_standing(on_shortage="hold")

    run(FIRST_RUN)

    order = Order.objects.get()
    assert list(order.lines.values_list("sku", flat=True)) == ["CS-8OZ-ECO"]
    assert order.state == "held"
    assert "CS-DOME-LID is no longer offered by Cup Source: left out" in order.problem


def test_when_cup_source_cannot_be_asked_it_orders_from_the_catalog_and_says_so(
    make_standing, cup, supplier, run
):
    supplier.down = True
    make_standing()

    run(FIRST_RUN)

    order = Order.objects.get()
    assert order.state == "queued"  # the ledger sends it when Cup Source is back
    assert "Stock and prices could not be re-checked with Cup Source" in order.notes
    supplier.down = False
    with supplier.client() as client:
        orders_process_due(client=client, now=timezone.now() + timedelta(hours=1))
    order.refresh_from_db()
    assert order.state == "accepted"
    assert len(supplier.posts) == 1


def test_an_owner_whose_account_was_deactivated_orders_nothing_and_it_pauses(
    make_standing, at_supplier, supplier, run, buyer
):
    so = make_standing()
    buyer.is_active = False
    buyer.save()

    run(FIRST_RUN)

    assert not Order.objects.exists()
    so.refresh_from_db()
    assert so.status == "paused" and so.next_date is None
    assert "account is deactivated" in so.occurrences.get().message


def test_a_removed_ship_to_address_means_no_order_and_a_clear_reason(
    make_standing, at_supplier, supplier, run, address
):
    so = make_standing()
    address.delete()

    run(FIRST_RUN)

    assert not Order.objects.exists()
    assert "no ship-to address" in so.occurrences.get().message


# --- late, crashed, raced --------------------------------------------------------------------


def test_a_date_more_than_a_day_late_is_recorded_as_missed_not_ordered(
    make_standing, at_supplier, supplier, run
):
    so = make_standing()

    # The scheduler was down from before Mar 2 until Mar 17 (Mar 16's moment is a day old).
    run(FIRST_RUN + timedelta(days=15, hours=1))

    assert not Order.objects.exists()
    assert list(so.occurrences.order_by("date").values_list("date", "outcome")) == [
        (FIRST_DAY, "missed"), (SECOND_DAY, "missed"),
    ]  # fmt: skip
    so.refresh_from_db()
    assert so.next_date == date(2026, 3, 30)


def test_a_date_late_by_less_than_a_day_is_still_ordered(make_standing, at_supplier, supplier, run):
    so = make_standing()

    run(FIRST_RUN + timedelta(hours=20))

    assert so.occurrences.get().outcome == "placed"
    assert Order.objects.count() == 1


def test_the_date_is_claimed_by_a_unique_constraint(make_standing):
    so = make_standing()
    Occurrence.objects.create(standing_order=so, date=FIRST_DAY, outcome="skipped")

    with pytest.raises(IntegrityError), transaction.atomic():
        Occurrence.objects.create(standing_order=so, date=FIRST_DAY, outcome="placed")


def test_a_second_writer_of_the_same_date_writes_no_order(
    make_standing, at_supplier, supplier, cup, lid
):
    """Two schedulers that both read the standing order before either wrote: the second one's
    occurrence insert fails on the unique constraint, and its order is never written."""
    so = make_standing()
    stale = StandingOrder.objects.get(pk=so.pk)  # what the second scheduler read
    with supplier.client() as client:
        first = services.occurrence_run(standing_order=so, day=FIRST_DAY, client=client)
        second = services.occurrence_run(standing_order=stale, day=FIRST_DAY, client=client)

    assert first is not None and second is None
    assert Order.objects.count() == 1
    assert len(supplier.posts) == 1


class Crash(BaseException):
    """The process dies (nothing catches it, as nothing catches a SIGKILL)."""


def test_a_crash_inside_the_transaction_leaves_nothing_and_the_restart_orders_once(
    make_standing, at_supplier, supplier, run, monkeypatch
):
    so = make_standing()

    def crash(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(services, "notice_occurrence", crash)  # the last step of the write
    with pytest.raises(Crash):
        run(FIRST_RUN)
    assert not Order.objects.exists() and not Occurrence.objects.exists()
    so.refresh_from_db()
    assert so.next_date == FIRST_DAY

    monkeypatch.undo()
    run(FIRST_RUN + timedelta(minutes=1))
    assert Order.objects.get().state == "accepted"
    assert len(supplier.posts) == 1


def test_a_crash_between_writing_and_sending_is_carried_by_the_ledger(
    make_standing, at_supplier, supplier, run, monkeypatch
):
    make_standing()

    def crash(**kwargs):
        raise Crash

    monkeypatch.setattr(services, "order_submit", crash)
    with pytest.raises(Crash):
        run(FIRST_RUN)
    monkeypatch.undo()
    order = Order.objects.get()
    assert order.state == "submitting" and supplier.posts == []

    run(FIRST_RUN + timedelta(minutes=5))  # the restarted scheduler writes no second order
    assert Order.objects.count() == 1

    with supplier.client() as client:  # the ledger's sweep: in doubt, checked, sent once
        orders_process_due(client=client, now=timezone.now() + timedelta(minutes=5))
        orders_process_due(client=client, now=timezone.now() + timedelta(minutes=6))
    order.refresh_from_db()
    assert order.state == "accepted"
    assert len(supplier.posts) == 1


def test_a_crash_after_cup_source_took_the_order_is_found_not_resent(
    make_standing, at_supplier, supplier, run, monkeypatch
):
    make_standing()

    def send_then_crash(*, order, client, priority):
        supplier._create(str(order.idempotency_key), order.payload)  # it arrived…
        raise Crash  # …and the answer was lost with the process

    monkeypatch.setattr(services, "order_submit", send_then_crash)
    with pytest.raises(Crash):
        run(FIRST_RUN)
    monkeypatch.undo()

    with supplier.client() as client:
        orders_process_due(client=client, now=timezone.now() + timedelta(minutes=5))
        orders_process_due(client=client, now=timezone.now() + timedelta(minutes=6))
    order = Order.objects.get()
    assert order.state == "accepted"
    assert len(supplier.orders) == 1 and supplier.posts == []


# --- the reminder ----------------------------------------------------------------------------


def test_the_day_before_at_the_send_time_the_owner_is_reminded_once(
    make_standing, at_supplier, supplier, run, buyer
):
    make_standing()

    run(FIRST_REMINDER - timedelta(minutes=1))
    assert not Notification.objects.filter(kind="standing_reminder").exists()

    run(FIRST_REMINDER)
    run(FIRST_REMINDER + timedelta(hours=1))

    reminder = Notification.objects.get(kind="standing_reminder")
    assert reminder.recipient == buyer
    assert reminder.subject == "Sends tomorrow: “Weekly café” on Mon, Mar 2 — review or skip"
    assert reminder.context["po"] == "WEEKLY-2026-03-02"
    assert [line["qty"] for line in reminder.context["lines"]] == ["10,000", "10,000"]


def test_each_date_gets_its_own_reminder(make_standing, at_supplier, supplier, run):
    make_standing()
    run(FIRST_REMINDER)
    run(FIRST_RUN)
    run(FIRST_REMINDER + timedelta(days=14) - timedelta(hours=1))  # Sun Mar 15, 06:00 PDT

    assert Notification.objects.filter(kind="standing_reminder").count() == 2


def test_a_paused_standing_order_sends_no_reminder(make_standing, run, buyer, supplier):
    so = make_standing()
    services.standing_order_pause(standing_order=so, user=buyer)

    run(FIRST_REMINDER)

    assert not Notification.objects.filter(kind="standing_reminder").exists()


def test_the_mails_render_with_the_lines_and_the_way_to_skip(
    make_standing, at_supplier, supplier, run, buyer
):
    from notifications.services import build_mail

    buyer.email = "bea@example.com"
    buyer.save()
    make_standing()
    run(FIRST_REMINDER)
    run(FIRST_RUN)

    reminder = build_mail(Notification.objects.get(kind="standing_reminder"))
    assert "orders this on Mon, Mar 2" in reminder.body
    assert "10,000 × 8 oz Eco Paper Cup (CS-8OZ-ECO): $480.00" in reminder.body
    assert "/standing/" in reminder.body
    assert "Review or skip" in reminder.alternatives[0][0]
    ran = build_mail(Notification.objects.get(kind="standing_ran"))
    assert "Order WEEKLY-2026-03-02 ($780.00) written and sent." in ran.body


# --- the plan, on its own --------------------------------------------------------------------


def test_a_quantity_that_no_longer_fits_a_changed_case_pack_becomes_the_nearest_below(cup):
    cup.case_pack = 3000
    plan = occurrence_plan([(cup, 10_000)], "reduce")
    assert plan.items == [(cup, 9000)]
    assert plan.changes == ["CS-8OZ-ECO: 10,000 units no longer fits its case pack or minimum; "
                            "9,000 instead."]  # fmt: skip


def test_the_scheduler_runs_the_job_only_when_a_date_or_a_reminder_is_due(make_standing, buyer):
    from datetime import time

    from core.scheduler import JOBS

    job = next(job for job in JOBS if job.name == "standing-orders")
    assert job.task == "replenishment.tasks.run_standing_orders"
    assert job.needed() is False
    today = timezone.localdate()
    so = make_standing(now=timezone.now(), start_date=today, weekday=today.weekday(),
                       send_time=time(0, 0), time_zone="UTC")  # fmt: skip
    assert job.needed() is True

    services.standing_order_pause(standing_order=so, user=buyer)
    assert job.needed() is False


def test_one_standing_orders_failure_does_not_stop_the_others(
    make_standing, at_supplier, supplier, run, monkeypatch, cup, lid
):
    first = make_standing(name="Broken")
    make_standing(name="Fine", items=[(lid, 5_000)])
    plan = services.occurrence_plan

    def broken_for_one(lines, on_shortage):
        if len(lines) == 2:  # "Broken" has two lines
            raise RuntimeError("something unexpected")
        return plan(lines, on_shortage)

    monkeypatch.setattr(services, "occurrence_plan", broken_for_one)
    run(FIRST_RUN)

    assert list(Order.objects.values_list("lines__sku", flat=True)) == ["CS-DOME-LID"]
    first.refresh_from_db()
    assert first.next_date == FIRST_DAY  # tried again at the next run
