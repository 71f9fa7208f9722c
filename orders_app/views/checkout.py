from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from accounts.roles import approvers
from orders_app.forms import CheckoutForm
from orders_app.models import Address, BuyerSettings, Order
from orders_app.on_behalf import shopper, staff_acting
from orders_app.services import (
    CartError,
    cart_for,
    checkout_recheck,
    order_place,
    order_submit,
    shipping_estimate,
    waits_for_approval,
)
from orders_app.views.cart import cart_context
from supplier.client import get_web_client


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and (placed := _placed_already(request)):
        messages.info(request, f"Order {placed.reference} was placed already; here it is.")
        return redirect("orders:order_detail", order_id=placed.pk)
    cart = cart_for(shopper(request))
    if not cart.lines.exists():
        messages.info(request, "Your cart is empty: add products before checking out.")
        return redirect("orders:cart")
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if form.is_valid():
            return _place(request, cart, form)
    else:
        form = CheckoutForm(initial={"address": _default_address(shopper(request))})
    recheck = checkout_recheck(cart=cart, client_factory=get_web_client)
    context = cart_context(
        request, form=form, recheck=recheck, has_addresses=Address.objects.exists()
    )
    context.update(_what_happens(shopper(request), context["subtotal"]))
    return TemplateResponse(request, "orders_app/checkout.html", context)


def _what_happens(user, subtotal) -> dict:
    """What placing will do, said before the buyer places it: whether it waits for an approver
    (and who), and shipping by the contract's rule, as an estimate."""
    shipping = shipping_estimate(subtotal)
    threshold = waits_for_approval(user, subtotal)
    names = []
    if threshold is not None:
        names = [u.get_full_name() or u.get_username() for u in approvers(exclude=user)]
    return {
        "approval_threshold": threshold,
        "approver_names": names,
        "shipping_estimate": shipping,
        "estimated_total": subtotal + shipping,
    }


def _placed_already(request: HttpRequest) -> Order | None:
    """The order made from the cart this checkout form was for, if it was placed already (a
    second click, or Back and resubmit after the cart was checked out)."""
    cart_id = request.POST.get("cart", "")
    if not (cart_id.isascii() and cart_id.isdigit() and len(cart_id) <= 18):  # an id, or no
        return None
    return Order.objects.for_user(shopper(request)).filter(cart_id=int(cart_id)).first()


def _place(request: HttpRequest, cart, form: CheckoutForm) -> HttpResponse:
    try:
        order = order_place(
            user=shopper(request),
            cart=cart,
            address=form.cleaned_data["address"],
            po_number=form.cleaned_data["po_number"].strip(),
            notes=form.cleaned_data["notes"],
            on_behalf_by=staff_acting(request),
        )
    except CartError as exc:
        messages.error(request, exc.message)
        return redirect("orders:cart")
    if order.state == Order.State.SUBMITTING:  # not when it waits for approval
        with get_web_client() as client:
            order_submit(order=order, client=client)
    return redirect("orders:order_detail", order_id=order.pk)


def _default_address(user):
    settings_row = BuyerSettings.objects.filter(user=user).select_related("default_address").first()
    if settings_row and settings_row.default_address:
        return settings_row.default_address
    return Address.objects.first()
