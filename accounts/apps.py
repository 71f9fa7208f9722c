from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, roles and audit"

    def ready(self):
        from accounts import signals  # noqa: F401  (failed logins → audit log)
        from accounts.roles import is_approver
        from core import scheduler, user_facts

        # Group membership is edited in the admin: the nav's Approvals link may lag a minute
        # (the approval pages check the permission themselves on every request).
        user_facts.register("approver", compute=is_approver, timeout=60)
        scheduler.register(
            scheduler.Job(
                name="housekeeping", task="accounts.tasks.housekeeping", interval=lambda: 24 * 3600
            )
        )
