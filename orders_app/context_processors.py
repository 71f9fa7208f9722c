from dashboard.user_cache import user_fact
from orders_app.models import CartLine


def cart_summary(request):
    """The header's cart badge: how many lines the buyer's open cart has."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = user_fact(
        request,
        "cart_lines",
        lambda: CartLine.objects.filter(cart__user=user, cart__status="open").count(),
    )
    return {"cart_line_count": count}
