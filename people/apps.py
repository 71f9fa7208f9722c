from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The team's people, run by its team admins (the Team page: invitations, roles, spending
    thresholds, deactivation, order visibility), and each person's own profile (name, e-mail,
    sessions, sign-in factors)."""

    name = "people"
    verbose_name = "People"

    def ready(self):
        from notifications import kinds
        from people import signals  # noqa: F401  (sign-in factor changes: audit and mail)

        for key, label, description in [
            ("invitation", "Invitation", "A team admin invites you to Cupboard."),
            ("email_confirm", "Confirm a new e-mail address", "The link that confirms it."),
            ("account_security", "Account security", "Your e-mail or sign-in factors changed."),
        ]:  # fmt: skip
            kinds.register(
                kinds.Kind(
                    key=key,
                    label=label,
                    description=description,
                    template=f"people/mail/{key}",
                    audience="account",
                    essential=True,
                )
            )
