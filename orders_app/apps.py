from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class OrdersAppConfig(AppConfig):
    name = "orders_app"
    verbose_name = "Orders, carts and addresses"

    def ready(self):
        from orders_app.models import Cart, CartLine

        for model in (Cart, CartLine):
            for signal in (post_save, post_delete):
                uid = f"cart_badge_{model.__name__}"
                signal.connect(cart_written, sender=model, dispatch_uid=uid)


def cart_written(sender, instance, **kwargs) -> None:
    """The header's cart badge (dashboard/user_cache.py) is counted again after any change."""
    from dashboard.user_cache import forget
    from orders_app.models import Cart, CartLine

    if sender is Cart:
        user_id = instance.user_id
    elif CartLine.cart.is_cached(instance):
        user_id = instance.cart.user_id
    else:
        user_id = Cart.objects.filter(pk=instance.cart_id).values_list("user_id", flat=True).first()
    if user_id is not None:
        forget(user_id, "cart_lines")
