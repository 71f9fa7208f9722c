"""Schedules: every N weeks on a weekday, monthly on a day (the last day in shorter months),
each date at its send time in the standing order's own time zone — across months, leap years
and daylight-saving changes."""

from datetime import UTC, date, datetime, time
from itertools import islice

from replenishment.schedule import (
    MONTHLY,
    WEEKLY,
    Rule,
    dates,
    describe,
    falls_on,
    first_on_or_after,
    local_today,
    remind_at,
    run_at,
)

LA = "America/Los_Angeles"


def take(rule, since, n):
    return list(islice(dates(rule, since), n))


def test_every_two_weeks_starts_on_the_first_weekday_on_or_after_the_start():
    rule = Rule(WEEKLY, start=date(2026, 2, 25), every_weeks=2, weekday=0)  # a Wednesday; Mondays

    assert take(rule, date(2026, 1, 1), 4) == [
        date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 30), date(2026, 4, 13),
    ]  # fmt: skip


def test_a_weekly_schedule_picked_up_mid_way_keeps_its_rhythm():
    rule = Rule(WEEKLY, start=date(2026, 3, 2), every_weeks=2, weekday=0)

    assert take(rule, date(2026, 3, 17), 2) == [date(2026, 3, 30), date(2026, 4, 13)]
    assert take(rule, date(2026, 3, 30), 1) == [date(2026, 3, 30)]
    assert falls_on(rule, date(2026, 3, 30)) and not falls_on(rule, date(2026, 3, 23))


def test_monthly_on_the_31st_is_the_last_day_of_shorter_months():
    rule = Rule(MONTHLY, start=date(2026, 1, 1), day_of_month=31)

    assert take(rule, date(2026, 1, 1), 5) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30),
        date(2026, 5, 31),
    ]  # fmt: skip


def test_monthly_on_the_29th_meets_a_leap_february_and_crosses_the_year():
    rule = Rule(MONTHLY, start=date(2027, 12, 15), day_of_month=29)

    assert take(rule, date(2027, 12, 15), 3) == [
        date(2027, 12, 29), date(2028, 1, 29), date(2028, 2, 29),
    ]  # fmt: skip


def test_a_monthly_day_already_past_in_the_start_month_begins_next_month():
    rule = Rule(MONTHLY, start=date(2026, 3, 20), day_of_month=5)

    assert first_on_or_after(rule, date(2026, 3, 20)) == date(2026, 4, 5)


def test_the_end_date_is_the_last_possible_date():
    rule = Rule(WEEKLY, start=date(2026, 3, 2), weekday=0, end=date(2026, 3, 16))

    assert take(rule, date(2026, 3, 1), 10) == [date(2026, 3, 2), date(2026, 3, 9),
                                                  date(2026, 3, 16)]  # fmt: skip
    assert first_on_or_after(rule, date(2026, 3, 17)) is None


def test_the_send_time_stays_local_across_the_spring_daylight_saving_change():
    # Los Angeles moves to PDT on Sunday 8 March 2026: 06:00 is 14:00 UTC before, 13:00 after.
    assert run_at(date(2026, 3, 2), time(6), LA) == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    assert run_at(date(2026, 3, 9), time(6), LA) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


def test_the_send_time_stays_local_across_the_autumn_change():
    # PST again from Sunday 1 November 2026.
    assert run_at(date(2026, 10, 26), time(6), LA) == datetime(2026, 10, 26, 13, tzinfo=UTC)
    assert run_at(date(2026, 11, 2), time(6), LA) == datetime(2026, 11, 2, 14, tzinfo=UTC)


def test_a_send_time_in_the_skipped_hour_happens_an_hour_later_on_the_new_clock():
    # 02:30 does not exist on 8 March 2026 in Los Angeles: it is taken as 03:30 PDT.
    assert run_at(date(2026, 3, 8), time(2, 30), LA) == datetime(2026, 3, 8, 10, 30, tzinfo=UTC)


def test_a_send_time_in_the_repeated_hour_happens_the_first_time():
    # 01:30 happens twice on 1 November 2026; the first (PDT, UTC-7) is used: once, not twice.
    assert run_at(date(2026, 11, 1), time(1, 30), LA) == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


def test_the_reminder_is_at_the_send_time_the_day_before_even_across_the_change():
    # Saturday 7 March 06:00 PST, for Sunday 8 March 06:00 PDT: 23 hours apart, both at 06:00.
    reminder = remind_at(date(2026, 3, 8), time(6), LA)
    assert reminder == datetime(2026, 3, 7, 14, 0, tzinfo=UTC)
    assert (run_at(date(2026, 3, 8), time(6), LA) - reminder).total_seconds() == 23 * 3600


def test_today_is_the_day_in_the_standing_orders_zone():
    late_evening_la = datetime(2026, 3, 3, 6, 30, tzinfo=UTC)  # 22:30 on Mar 2 in Los Angeles
    assert local_today(LA, late_evening_la) == date(2026, 3, 2)
    assert local_today("UTC", late_evening_la) == date(2026, 3, 3)


def test_schedules_read_as_words():
    assert describe(Rule(WEEKLY, start=date(2026, 3, 2), every_weeks=2, weekday=0)) == (
        "Every 2 weeks on Monday"
    )
    assert describe(Rule(WEEKLY, start=date(2026, 3, 2), weekday=4)) == "Every week on Friday"
    assert describe(Rule(MONTHLY, start=date(2026, 3, 2), day_of_month=1)) == "Monthly on the 1st"
    assert describe(Rule(MONTHLY, start=date(2026, 3, 2), day_of_month=31)) == (
        "Monthly on the 31st (the last day in shorter months)"
    )
