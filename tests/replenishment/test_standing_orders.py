"""Setting up and changing a standing order: its next date, pause, resume, skip, stop, the end
date, edits, and its lines."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from replenishment.models import Occurrence, StandingOrder
from replenishment.services import (
    StandingError,
    standing_line_add,
    standing_line_remove,
    standing_line_set,
    standing_order_pause,
    standing_order_resume,
    standing_order_skip,
    standing_order_stop,
    standing_order_unskip,
    standing_order_update,
)
from tests.replenishment.conftest import CREATED, FIRST_DAY, FIRST_REMINDER, FIRST_RUN


def test_setting_one_up_schedules_its_first_date_and_reminder(make_standing, buyer):
    so = make_standing()

    assert (so.status, so.owner, so.next_date) == ("active", buyer, FIRST_DAY)
    assert so.next_run_at == FIRST_RUN
    assert so.remind_at == FIRST_REMINDER
    assert [(line.product.sku, line.qty) for line in so.lines.all()] == [
        ("CS-8OZ-ECO", 10_000), ("CS-DOME-LID", 10_000),
    ]  # fmt: skip
    assert so.schedule_text == "Every 2 weeks on Monday"
    assert so.upcoming(3) == [FIRST_DAY, date(2026, 3, 16), date(2026, 3, 30)]


def test_starting_today_after_the_send_time_orders_today_not_in_two_weeks(make_standing):
    ten_am_la = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)

    so = make_standing(now=ten_am_la)

    assert so.next_date == FIRST_DAY
    assert so.next_run_at < ten_am_la  # due at the scheduler's next tick


def test_lines_that_cannot_be_ordered_stop_it_being_set_up(make_standing, cup):
    with pytest.raises(StandingError) as caught:
        make_standing(items=[(cup, 2500)])
    assert "cases of 1,000" in caught.value.message
    with pytest.raises(StandingError):
        make_standing(items=[])
    assert not StandingOrder.objects.exists()


def test_pausing_stops_it_and_resuming_starts_from_today_without_catching_up(make_standing, buyer):
    so = make_standing()
    standing_order_pause(standing_order=so, user=buyer)
    so.refresh_from_db()
    assert (so.status, so.next_date, so.next_run_at) == ("paused", None, None)
    assert not StandingOrder.objects.due(FIRST_RUN + timedelta(days=30)).exists()

    # Resumed on Wednesday 18 March: Mar 2 and Mar 16 passed while paused; next is Mar 30.
    standing_order_resume(standing_order=so, user=buyer, now=datetime(2026, 3, 18, 17, tzinfo=UTC))
    so.refresh_from_db()
    assert (so.status, so.next_date) == ("active", date(2026, 3, 30))
    assert not so.occurrences.exists()


def test_pausing_twice_or_resuming_an_active_one_says_why(make_standing, buyer):
    so = make_standing()
    with pytest.raises(StandingError, match="not paused"):
        standing_order_resume(standing_order=so, user=buyer)
    standing_order_pause(standing_order=so, user=buyer)
    with pytest.raises(StandingError, match="not active"):
        standing_order_pause(standing_order=so, user=buyer)


def test_skipping_records_the_date_and_moves_to_the_next(make_standing, buyer):
    so = make_standing()

    skipped = standing_order_skip(standing_order=so, user=buyer)

    so.refresh_from_db()
    assert skipped == FIRST_DAY
    assert so.next_date == date(2026, 3, 16)
    occurrence = so.occurrences.get()
    assert (occurrence.date, occurrence.outcome, occurrence.actor) == (FIRST_DAY, "skipped", buyer)
    assert occurrence.message == "Skipped by Bea."


def test_undoing_a_skip_brings_the_date_back(make_standing, buyer):
    so = make_standing()
    standing_order_skip(standing_order=so, user=buyer)
    standing_order_skip(standing_order=so, user=buyer)  # Mar 2 and Mar 16
    so.refresh_from_db()
    assert so.next_date == date(2026, 3, 30)

    standing_order_unskip(standing_order=so, user=buyer, day=date(2026, 3, 16), now=CREATED)

    so.refresh_from_db()
    assert so.next_date == date(2026, 3, 16)
    assert list(so.occurrences.values_list("date", flat=True)) == [FIRST_DAY]


def test_a_skip_of_a_past_date_cannot_be_undone(make_standing, buyer):
    so = make_standing()
    standing_order_skip(standing_order=so, user=buyer)

    with pytest.raises(StandingError, match="not a skipped date still to come"):
        standing_order_unskip(standing_order=so, user=buyer, day=FIRST_DAY,
                              now=FIRST_RUN + timedelta(days=2))  # fmt: skip
    assert so.occurrences.count() == 1


def test_stopping_ends_it_for_good(make_standing, buyer):
    so = make_standing()
    standing_order_stop(standing_order=so, user=buyer)
    so.refresh_from_db()
    assert (so.status, so.next_date) == ("ended", None)
    with pytest.raises(StandingError):
        standing_order_skip(standing_order=so, user=buyer)


def test_it_ends_by_itself_after_its_last_date(make_standing, buyer):
    so = make_standing(end_date=date(2026, 3, 16))
    standing_order_skip(standing_order=so, user=buyer)
    standing_order_skip(standing_order=so, user=buyer)

    so.refresh_from_db()
    assert (so.status, so.next_date) == ("ended", None)


def test_changing_the_schedule_moves_the_next_date_and_forgets_skips_off_it(make_standing, buyer):
    so = make_standing()
    standing_order_skip(standing_order=so, user=buyer)  # Mar 2 (a Monday)
    so.refresh_from_db()

    so.weekday, so.send_time = 2, time(7, 30)  # Wednesdays at 07:30
    standing_order_update(
        standing_order=so, user=buyer, changed=["weekday", "send_time"], now=CREATED
    )

    so.refresh_from_db()
    assert so.next_date == date(2026, 3, 4)
    assert so.next_run_at == datetime(2026, 3, 4, 15, 30, tzinfo=UTC)
    assert not so.occurrences.exists()  # the skipped Monday is no date of the new schedule


def test_renaming_keeps_its_skips(make_standing, buyer):
    so = make_standing()
    standing_order_skip(standing_order=so, user=buyer)
    so.refresh_from_db()
    so.name = "Cups and lids"
    standing_order_update(standing_order=so, user=buyer, changed=["name"], now=CREATED)
    so.refresh_from_db()
    assert so.next_date == date(2026, 3, 16)
    assert so.occurrences.filter(outcome=Occurrence.Outcome.SKIPPED).count() == 1


def test_lines_are_checked_like_order_lines(make_standing, make_product, buyer, cup):
    so = make_standing()
    pricey = make_product("CS-PRICEY", unit_price="20.0000", stock=20_000_000)
    line = so.lines.get(product=cup)

    with pytest.raises(StandingError, match="cases of 1,000"):
        standing_line_set(line=line, user=buyer, qty=1500)
    standing_line_set(line=line, user=buyer, qty=20_000)
    with pytest.raises(StandingError, match=r"\$100,000,000.00"):
        standing_line_add(standing_order=so, user=buyer, product=pricey, qty=10_000_000)
    with pytest.raises(StandingError, match="minimum"):
        standing_line_add(standing_order=so, user=buyer, product=cup, qty=1000)

    assert sorted(so.lines.values_list("qty", flat=True)) == [10_000, 20_000]


def test_the_last_line_cannot_be_removed(make_standing, buyer, cup):
    so = make_standing(items=[(cup, 10_000)])
    with pytest.raises(StandingError, match="stop it instead"):
        standing_line_remove(line=so.lines.get(), user=buyer)
    assert so.lines.count() == 1
