from core.user_facts import user_fact
from orders_app.models import Order, cart_line_count
from orders_app.on_behalf import shopper


def cart_summary(request):
    """The header's cart badge: how many lines the buyer's open cart has (the cart of the buyer
    a staff member orders for, named in a banner)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    buyer = shopper(request)
    if buyer != user:
        return {"cart_line_count": cart_line_count(buyer), "ordering_for": buyer}
    return {"cart_line_count": user_fact(request, "cart_lines")}


def approvals(request):
    """`is_approver` for the navigation, and how many orders wait for this approver."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not user_fact(request, "approver"):
        return {"is_approver": False}
    waiting = Order.objects.filter(state=Order.State.PENDING_APPROVAL).exclude(placed_by=user)
    return {"is_approver": True, "approvals_waiting": waiting.count()}
