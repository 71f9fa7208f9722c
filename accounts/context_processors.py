from accounts.roles import is_approver
from dashboard.user_cache import user_fact
from orders_app.models import Order


def roles(request):
    """`is_approver` for the navigation, and how many orders wait for this approver."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not user_fact(request, "approver", lambda: is_approver(user)):
        return {"is_approver": False}
    waiting = Order.objects.filter(state=Order.State.PENDING_APPROVAL).exclude(placed_by=user)
    return {"is_approver": True, "approvals_waiting": waiting.count()}
