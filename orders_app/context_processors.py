from orders_app.models import CartLine


def cart_summary(request):
    """The header's cart badge: how many lines the buyer's open cart has (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "cart_line_count": CartLine.objects.filter(cart__user=user, cart__status="open").count()
    }
