from django.apps import AppConfig
from django.conf import settings


class OrdersAppConfig(AppConfig):
    name = "orders_app"
    verbose_name = "Orders, carts and addresses"

    def ready(self):
        from core import backups, scheduler, user_facts
        from orders_app.models import Cart, CartLine, Order, cart_line_count
        from orders_app.notices import register_kinds
        from orders_app.restore import after_restore

        register_kinds()
        backups.after_restore(after_restore)
        user_facts.register(
            "cart_lines",  # the header's cart badge
            compute=cart_line_count,
            timeout=3600,
            dropped_by={Cart: lambda cart: cart.user_id, CartLine: lambda line: line.owner_id},
        )
        scheduler.register(
            scheduler.Job(
                name="orders-due",
                task="orders_app.tasks.process_due_orders",
                interval=lambda: settings.ORDERS_RETRY_INTERVAL,
                needed=lambda: Order.objects.filter(state__in=Order.PENDING_STATES).exists(),
            )
        )
        scheduler.register(
            scheduler.Job(
                name="orders-stuck",
                task="orders_app.tasks.notify_stuck_orders",
                interval=lambda: 60,
                needed=lambda: Order.objects.filter(state__in=Order.PENDING_STATES).exists(),
            )
        )
        scheduler.register(
            scheduler.Job(
                name="tracking-refresh",
                task="orders_app.tasks.refresh_open_tracking",
                interval=lambda: settings.TRACKING_REFRESH_INTERVAL,
            )
        )
