from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator

from accounts.roles import ROLES, VISIBILITY_CHOICES
from orders_app.quantities import MAX_ORDER_SUBTOTAL


class Form(forms.Form):
    """The people forms: labels without a colon, like the site's other new forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class InviteForm(Form):
    email = forms.EmailField(label="E-mail address", max_length=254)
    role = forms.ChoiceField(choices=ROLES, initial="buyer")


class MemberForm(Form):
    """A person's role and spending threshold, on their row of the Team page."""

    role = forms.ChoiceField(choices=ROLES)
    threshold = forms.DecimalField(
        label="Spending threshold (USD)",
        required=False,
        min_value=Decimal(0),
        max_value=MAX_ORDER_SUBTOTAL,
        max_digits=12,
        decimal_places=2,
    )


class VisibilityForm(Form):
    order_visibility = forms.ChoiceField(
        label="Who sees which orders", choices=VISIBILITY_CHOICES, widget=forms.RadioSelect
    )


class JoinForm(Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)
    username = forms.CharField(
        label="User name",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="What you log in with: letters, digits and @ . + - _ only.",
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="The password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            if self.user is not None:
                self.user.username = data.get("username", "")
                self.user.first_name = data.get("first_name", "")
                self.user.last_name = data.get("last_name", "")
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class NameForm(Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)


class EmailChangeForm(Form):
    email = forms.EmailField(label="New e-mail address", max_length=254)
