from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, roles and audit"

    def ready(self):
        from accounts import signals  # noqa: F401  (logins → audit log, sessions)
        from accounts.roles import is_approver, is_team_admin
        from core import scheduler, user_facts

        # Roles change on the Team page or in the admin: the nav's Approvals and Team links may
        # lag a minute (those pages check the permission themselves on every request).
        user_facts.register("approver", compute=is_approver, timeout=60)
        user_facts.register("team_admin", compute=is_team_admin, timeout=60)
        scheduler.register(
            scheduler.Job(
                name="housekeeping", task="accounts.tasks.housekeeping", interval=lambda: 24 * 3600
            )
        )
