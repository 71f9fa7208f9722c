from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from dashboard.supplier import get_web_client
from orders_app.forms import CheckoutForm
from orders_app.models import Address, BuyerSettings, Order
from orders_app.services import (
    CartError,
    Recheck,
    cart_for,
    cart_recheck,
    order_place,
    order_submit,
)
from orders_app.views.cart import cart_context

RECHECK_TTL = 30  # seconds: reloading the checkout page does not cost an API call each time


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    cart = cart_for(request.user)
    if not cart.lines.exists():
        messages.info(request, "Your cart is empty: add products before checking out.")
        return redirect("orders:cart")
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if form.is_valid():
            return _place(request, cart, form)
    else:
        form = CheckoutForm(initial={"address": _default_address(request.user)})
    recheck = _recheck(cart)
    context = cart_context(
        request, form=form, recheck=recheck, has_addresses=Address.objects.exists()
    )
    return TemplateResponse(request, "orders_app/checkout.html", context)


def _recheck(cart) -> Recheck:
    key = f"checkout:recheck:{cart.pk}:{cart.updated_at.timestamp()}"
    recheck = cache.get(key)
    if recheck is None:
        with get_web_client() as client:
            recheck = cart_recheck(cart=cart, client=client)
        if recheck.ok:
            cache.set(key, recheck, RECHECK_TTL)
    return recheck


def _place(request: HttpRequest, cart, form: CheckoutForm) -> HttpResponse:
    try:
        order = order_place(
            user=request.user,
            cart=cart,
            address=form.cleaned_data["address"],
            po_number=form.cleaned_data["po_number"].strip(),
            notes=form.cleaned_data["notes"],
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
