"""Staff ordering on a buyer's behalf (an order phoned in): a staff member picks the buyer, and
until they stop, the cart, quick order, CSV upload and checkout are that buyer's — the order
is the buyer's own (their threshold, their approvers, their mail), and records the staff
member beside them (`Order.placed_on_behalf_by`). Staff never approve such an order
(orders_app.services._for_review)."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest

SESSION_KEY = "on_behalf_of"


def buyers_for_staff():
    """Whom staff may order for: active people who are not staff themselves."""
    return get_user_model().objects.filter(is_active=True, is_staff=False, is_superuser=False)


def shopper(request: HttpRequest):
    """Whose cart this request works on: the buyer a staff member is ordering for, else the
    signed-in user."""
    if not hasattr(request, "_shopper"):
        request._shopper = request.user
        buyer_id = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
        if buyer_id and request.user.is_staff:
            buyer = buyers_for_staff().filter(pk=buyer_id).first()
            if buyer is not None:
                request._shopper = buyer
    return request._shopper


def staff_acting(request: HttpRequest):
    """The staff member ordering for someone else now, or None."""
    return request.user if shopper(request) != request.user else None
