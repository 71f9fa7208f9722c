import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from orders_app.forms import quantity_field
from orders_app.models import Address
from replenishment import schedule
from replenishment.models import StandingOrder

# Cup Source delivers in the US: its time zones (and the install's own, if it is another).
US_TIME_ZONES = [
    ("America/New_York", "Eastern (New York)"),
    ("America/Chicago", "Central (Chicago)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Phoenix", "Arizona (Phoenix, no daylight saving)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico)"),
]
MAX_AHEAD = timedelta(days=2 * 366)  # a first date further ahead is a typo
PLACEHOLDER_RE = re.compile(r"\{[^{}]*\}")
PLACEHOLDERS = {"{date}", "{n}"}
LONGEST_FILL = {"{date}": "2026-12-31", "{n}": "999999"}


def time_zone_choices() -> list[tuple[str, str]]:
    zones = list(US_TIME_ZONES)
    if settings.TIME_ZONE not in dict(zones):
        zones.append((settings.TIME_ZONE, f"{settings.TIME_ZONE} (this Cupboard's own)"))
    return zones


class StandingOrderForm(forms.ModelForm):
    """A standing order's name, schedule, ship-to, PO pattern and shortage choice (its lines
    come from a list or the cart, and are edited on its page)."""

    every_weeks = forms.TypedChoiceField(
        coerce=int,
        choices=[
            (n, "every week" if n == 1 else f"every {n} weeks")
            for n in range(1, schedule.MAX_EVERY_WEEKS + 1)
        ],
        label="How often",
    )
    weekday = forms.TypedChoiceField(
        coerce=int, choices=list(enumerate(schedule.WEEKDAYS)), label="On"
    )
    day_of_month = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=31,
        label="Day of the month",
        help_text="29–31: on the last day in shorter months.",
        error_messages={
            "min_value": "Enter a day from 1 to 31.",
            "max_value": "Enter a day from 1 to 31.",
            "invalid": "Enter a day from 1 to 31.",
        },
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, label="Time zone")
    address = forms.ModelChoiceField(
        queryset=Address.objects.all(),
        empty_label=None,
        widget=forms.RadioSelect,
        label="Ship to",
        error_messages={"required": "Choose where to ship it.",
                        "invalid_choice": "That address is no longer in the address book."},
    )  # fmt: skip

    class Meta:
        model = StandingOrder
        fields = [
            "name", "frequency", "every_weeks", "weekday", "day_of_month", "start_date",
            "end_date", "send_time", "time_zone", "address", "po_pattern", "on_shortage",
        ]  # fmt: skip
        labels = {
            "name": "Name",
            "frequency": "Schedule",
            "start_date": "First date on or after",
            "end_date": "Last date (optional)",
            "send_time": "Order at",
            "po_pattern": "PO reference (optional)",
            "on_shortage": "When a line is short of stock on the day",
        }
        help_texts = {
            "name": "How your team will recognise it, e.g. “Weekly café cups”.",
            "send_time": "On each date, at this time there. The day before at the same time you "
            "get a reminder, and can still skip it.",
            "po_pattern": "{date} becomes the order's date and {n} its number: WEEKLY-{date} "
            "gives WEEKLY-2026-03-02. Empty: Cupboard makes one up.",
            "end_date": "Empty: until you stop it.",
        }
        widgets = {
            "frequency": forms.RadioSelect,
            "on_shortage": forms.RadioSelect,
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "send_time": forms.TimeInput(attrs={"type": "time"}),
            "po_pattern": forms.TextInput(attrs={"placeholder": "e.g. WEEKLY-{date}"}),
        }
        error_messages = {
            "name": {"required": "Give it a name, e.g. “Weekly café cups”."},
            "start_date": {"required": "Choose the first date.",
                           "invalid": "Enter a date, e.g. 2026-03-02."},
            "end_date": {"invalid": "Enter a date, e.g. 2026-06-30, or leave it empty."},
            "send_time": {"required": "Choose a time of day, e.g. 06:00.",
                          "invalid": "Enter a time of day, e.g. 06:00."},
        }  # fmt: skip

    def __init__(self, *args, now=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        self.fields["end_date"].required = False
        own = self.instance.time_zone if self.instance.pk else ""
        if own and own not in dict(time_zone_choices()):  # set when TIME_ZONE was another
            self.fields["time_zone"].choices = [*time_zone_choices(), (own, own)]

    def clean_po_pattern(self):
        pattern = self.cleaned_data["po_pattern"].strip()
        unknown = [p for p in PLACEHOLDER_RE.findall(pattern) if p not in PLACEHOLDERS]
        if unknown:
            raise forms.ValidationError(
                f"{unknown[0]} is not something Cupboard can fill in: use {{date}} or {{n}}."
            )
        if "{" in PLACEHOLDER_RE.sub("", pattern) or "}" in PLACEHOLDER_RE.sub("", pattern):
            raise forms.ValidationError("Use braces only around date or n: {date}, {n}.")
        longest = pattern
        for placeholder, fill in LONGEST_FILL.items():
            longest = longest.replace(placeholder, fill)
        if len(longest) > 64:
            raise forms.ValidationError(
                f"Filled in, that can be {len(longest)} characters; a PO reference can have "
                "at most 64."
            )
        return pattern

    def clean(self):
        data = super().clean()
        zone, start, end = data.get("time_zone"), data.get("start_date"), data.get("end_date")
        if not zone or not start:
            return data
        if data.get("day_of_month") is None:
            if data.get("frequency") == StandingOrder.Frequency.MONTHLY:
                self.add_error("day_of_month", "Choose the day of the month, from 1 to 31.")
                return data
            data["day_of_month"] = self.instance.day_of_month or 1  # unused by a weekly one
        today = schedule.local_today(zone, self.now)
        if start < today and "start_date" in self.changed_data:
            self.add_error("start_date", "Choose today or a later date.")
            return data
        if start > today + MAX_AHEAD:
            self.add_error("start_date", "Choose a date within the next two years.")
            return data
        if end is not None and end < start:
            self.add_error("end_date", "The last date is before the first one.")
            return data
        if not self.errors:
            rule = StandingOrder(**{k: v for k, v in data.items() if k in _RULE_FIELDS}).rule
            if schedule.first_on_or_after(rule, max(start, today)) is None:
                self.add_error(
                    "end_date",
                    "No date of this schedule falls between the first and the last date: "
                    "choose a later last date.",
                )
        return data


_RULE_FIELDS = {"frequency", "every_weeks", "weekday", "day_of_month", "start_date", "end_date"}


class LineQuantityForm(forms.Form):
    """A standing order line's new quantity, in units."""

    qty = quantity_field(label="Units")


class RestockForm(forms.Form):
    """The forecast's "Add to cart": a product and the suggested units."""

    sku = forms.CharField(max_length=64)
    qty = quantity_field()
