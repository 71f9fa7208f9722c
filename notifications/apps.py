from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Who hears about what: the outbox, e-mail (at once, digest, off), the bell, webhooks."""

    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from core import scheduler, user_facts
        from notifications import kinds, services

        kinds.register(
            kinds.Kind(
                services.STAFF_ALERT,
                "Something needs staff",
                "Cup Source refused the API key, the catalog sync keeps failing, a task waits "
                "too long, an order stays unsure: once when it starts, once when it clears.",
                "notifications/mail/staff_alert",
                audience="staff",
            )
        )
        user_facts.register(services.UNREAD, compute=services.unread_count, timeout=3600)
        scheduler.register(
            scheduler.Job(
                name="notifications",
                task="notifications.tasks.deliver_notifications",
                interval=lambda: 30,
                needed=services.delivery_due,
            )
        )
        scheduler.register(
            scheduler.Job(
                name="daily-digests",
                task="notifications.tasks.send_daily_digests",
                interval=lambda: 15 * 60,
                needed=services.digests_waiting,
            )
        )
