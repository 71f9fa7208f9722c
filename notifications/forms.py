from django import forms

from notifications.kinds import DELIVERY_CHOICES


class PreferencesForm(forms.Form):
    """A choice per kind the user is offered, and the hour of the daily digest."""

    digest_hour = forms.TypedChoiceField(
        label="Send my daily digest at",
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text="Only on days with something in it.",
    )

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = []
        for row in preferences:
            kind = row["kind"]
            self.fields[f"kind_{kind.key}"] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.description,
                choices=DELIVERY_CHOICES,
                initial=row["delivery"],
                widget=forms.RadioSelect,
            )
            self.kinds.append(kind)

    def choices(self) -> dict[str, str]:
        return {kind.key: self.cleaned_data[f"kind_{kind.key}"] for kind in self.kinds}
