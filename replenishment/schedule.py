"""When a standing order writes its orders: the dates of a schedule and the moment of each.

Two kinds of schedule, both in the standing order's own time zone (a café in Los Angeles orders
at 06:00 Los Angeles time, summer and winter):

- every N weeks on a weekday — the first one on or after the start date, then every 7 × N days;
- monthly on a day (1–31) — in a month without that day, on its last day (the 31st becomes the
  30th in April and the 28th or 29th in February).

A date's moment is its send time on that day in that zone (`run_at`). On the day the clocks
spring forward a send time in the missing hour happens an hour later (02:30 → 03:30); on the
day they fall back, at the first of the two 01:30s. The reminder goes out at the send time on
the day before.

Everything here is plain date arithmetic, without the database.
"""

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKLY, MONTHLY = "weekly", "monthly"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MAX_EVERY_WEEKS = 12


@dataclass(frozen=True)
class Rule:
    frequency: str  # WEEKLY or MONTHLY
    start: date
    every_weeks: int = 1
    weekday: int = 0  # Monday = 0
    day_of_month: int = 1
    end: date | None = None


def dates(rule: Rule, since: date) -> Iterator[date]:
    """The schedule's dates on or after `since` (and the start), up to the end date if any."""
    since = max(since, rule.start)
    found = _weekly(rule, since) if rule.frequency == WEEKLY else _monthly(rule, since)
    for day in found:
        if rule.end is not None and day > rule.end:
            return
        yield day


def first_on_or_after(rule: Rule, since: date) -> date | None:
    return next(dates(rule, since), None)


def falls_on(rule: Rule, day: date) -> bool:
    """Whether `day` is one of the schedule's dates."""
    return day >= rule.start and first_on_or_after(rule, day) == day


def _weekly(rule: Rule, since: date) -> Iterator[date]:
    anchor = rule.start + timedelta(days=(rule.weekday - rule.start.weekday()) % 7)
    step = 7 * rule.every_weeks
    behind = (since - anchor).days
    day = anchor + timedelta(days=-(-behind // step) * step) if behind > 0 else anchor
    while True:
        yield day
        day += timedelta(days=step)


def _monthly(rule: Rule, since: date) -> Iterator[date]:
    year, month = since.year, since.month
    while True:
        last = calendar.monthrange(year, month)[1]
        day = date(year, month, min(rule.day_of_month, last))
        if day >= since:
            yield day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def run_at(day: date, send_time: time, zone: str) -> datetime:
    """The moment (in UTC) the order of `day` is written: its send time there that day."""
    local = datetime.combine(day, send_time, tzinfo=ZoneInfo(zone))
    # A time in the hour skipped when the clocks spring forward does not exist; it is read
    # with the offset from before the change (fold=0), i.e. an hour later on the new clock.
    return local.astimezone(UTC)


def remind_at(day: date, send_time: time, zone: str) -> datetime:
    """The moment the reminder goes: the send time on the day before, there."""
    return run_at(day - timedelta(days=1), send_time, zone)


def local_today(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe(rule: Rule) -> str:
    """The schedule in words: "Every 2 weeks on Monday", "Monthly on the 31st (the last day
    in shorter months)"."""
    if rule.frequency == WEEKLY:
        weekday = WEEKDAYS[rule.weekday]
        if rule.every_weeks == 1:
            return f"Every week on {weekday}"
        return f"Every {rule.every_weeks} weeks on {weekday}"
    text = f"Monthly on the {ordinal(rule.day_of_month)}"
    if rule.day_of_month > 28:
        text += " (the last day in shorter months)"
    return text
