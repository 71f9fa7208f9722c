"""Standing orders: a buyer's lines ordered again on a schedule, and what happened each time.

A `StandingOrder` belongs to the buyer who set it up: its orders are theirs (their spending
threshold, their approvals, their notifications). Its lines are its own copy — taken from a team
list or the cart when it was set up — so editing the list later does not change what is ordered.

Each date of its schedule that comes gets exactly one `Occurrence`, unique per (standing order,
date): the order written that day, or why none was (skipped, missed, nothing in stock…). The
scheduler claims a date by inserting its occurrence in the same transaction that writes the
order, so two schedulers, a crash or a restart can never make two orders for one date
(replenishment/services.py).
"""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from catalog_app.models import Product
from orders_app.models import Address, Order
from orders_app.quantities import MAX_UNITS, UnitsOfProduct
from replenishment import schedule

DEFAULT_SEND_TIME = time(6, 0)


class StandingOrderQuerySet(models.QuerySet):
    def for_user(self, user):
        """The standing orders a buyer may see and change: their own."""
        return self.filter(owner=user)

    def due(self, now):
        """Active standing orders whose next order is due to be written."""
        return self.filter(status=StandingOrder.Status.ACTIVE, next_run_at__lte=now)

    def reminder_due(self, now):
        """Active standing orders whose next date is tomorrow (or nearer) and whose reminder
        has not gone out for it."""
        return self.filter(
            status=StandingOrder.Status.ACTIVE, remind_at__lte=now, next_run_at__gt=now
        ).exclude(reminded_for=F("next_date"))


class StandingOrder(models.Model):
    class Frequency(models.TextChoices):
        WEEKLY = schedule.WEEKLY, "Every few weeks, on a weekday"
        MONTHLY = schedule.MONTHLY, "Once a month, on a day of the month"

    class Shortage(models.TextChoices):
        REDUCE = "reduce", "Reduce a short line to what is in stock"
        DROP = "drop", "Leave a short line out"
        HOLD = "hold", "Hold the whole order for my review"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    name = models.CharField(max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="standing_orders"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY)
    every_weeks = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(schedule.MAX_EVERY_WEEKS)]
    )
    weekday = models.PositiveSmallIntegerField(
        default=0, choices=list(enumerate(schedule.WEEKDAYS)), validators=[MaxValueValidator(6)]
    )
    day_of_month = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    send_time = models.TimeField(default=DEFAULT_SEND_TIME)
    time_zone = models.CharField(max_length=64)
    address = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    po_pattern = models.CharField("PO pattern", max_length=64, blank=True)
    on_shortage = models.CharField(
        "when a line is short of stock", max_length=8, choices=Shortage.choices,
        default=Shortage.REDUCE,
    )  # fmt: skip
    source = models.CharField(max_length=120, blank=True, help_text="Where its lines came from.")
    # The next date, kept by the services whenever the schedule, a skip or an occurrence moves
    # it, so the scheduler's query is one indexed comparison.
    next_date = models.DateField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = StandingOrderQuerySet.as_manager()

    class Meta:
        ordering = ["status", "next_run_at", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_weeks__gte=1, every_weeks__lte=schedule.MAX_EVERY_WEEKS),
                name="standing_every_weeks_in_range",
            ),
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=31),
                name="standing_day_of_month_in_range",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="standing_weekday_in_range"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="standing_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def rule(self) -> schedule.Rule:
        return schedule.Rule(
            frequency=self.frequency,
            start=self.start_date,
            every_weeks=self.every_weeks,
            weekday=self.weekday,
            day_of_month=self.day_of_month,
            end=self.end_date,
        )

    @property
    def schedule_text(self) -> str:
        return schedule.describe(self.rule)

    def po_for(self, day, number: int) -> str:
        """The PO reference of the order of `day`, the `number`th it writes: the pattern with
        {date} (2026-03-02) and {n} filled in ("" when it has no pattern)."""
        return self.po_pattern.replace("{date}", day.isoformat()).replace("{n}", str(number))

    def next_number(self) -> int:
        """The number of the next order it writes (1 for its first)."""
        return self.occurrences.filter(order__isnull=False).count() + 1

    def upcoming(self, count: int = 4) -> list:
        """The next few dates it would order on (skipped ones included, marked by the caller)."""
        if self.next_date is None:
            return []
        found = []
        for day in schedule.dates(self.rule, self.next_date):
            found.append(day)
            if len(found) == count:
                break
        return found


class StandingOrderLine(UnitsOfProduct, models.Model):
    standing_order = models.ForeignKey(
        StandingOrder, on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    qty = models.PositiveIntegerField(help_text="Units")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["standing_order", "product"], name="one_standing_line_per_product"
            ),
            models.CheckConstraint(
                condition=Q(qty__gte=1, qty__lte=MAX_UNITS), name="standing_line_qty_within_policy"
            ),
        ]

    def __str__(self):
        return f"{self.qty} × {self.product.sku}"


class Occurrence(models.Model):
    """One date of a standing order's schedule, once it has come (or been skipped ahead)."""

    class Outcome(models.TextChoices):
        PLACED = "placed", "Order written"
        HELD = "held", "Held for your review"
        SKIPPED = "skipped", "Skipped"
        NOT_PLACED = "not_placed", "Not ordered"
        MISSED = "missed", "Missed"

    standing_order = models.ForeignKey(
        StandingOrder, on_delete=models.CASCADE, related_name="occurrences"
    )
    date = models.DateField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    order = models.OneToOneField(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="occurrence"
    )
    message = models.TextField(blank=True, help_text="What happened, for the buyer.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            # The guarantee: one occurrence — so at most one order — per standing order and date.
            models.UniqueConstraint(
                fields=["standing_order", "date"], name="one_occurrence_per_date"
            ),
        ]

    def __str__(self):
        return f"{self.standing_order} on {self.date}: {self.outcome}"

    TONES = {
        Outcome.PLACED: "ok",
        Outcome.HELD: "warn",
        Outcome.SKIPPED: "muted",
        Outcome.NOT_PLACED: "error",
        Outcome.MISSED: "error",
    }

    @property
    def tone(self) -> str:
        return self.TONES[self.outcome]
