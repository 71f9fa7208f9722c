from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from catalog_app.models import Product
from core.http import safe_next
from orders_app.forms import AddToCartForm, QuantityForm
from orders_app.models import CartLine, subtotal
from orders_app.quantities import check_quantity, to_units
from orders_app.services import (
    CartError,
    cart_add,
    cart_empty,
    cart_for,
    cart_remove,
    cart_set_quantity,
    lid_quantity,
    matching_lid,
)


def cart_context(request: HttpRequest, **extra) -> dict:
    cart = cart_for(request.user)
    lines = list(cart.lines.select_related("product"))
    in_cart = {line.product.sku: line.qty for line in lines}
    rows = []
    for line in lines:
        lid = matching_lid(line.product)
        lid_qty = lid_quantity(lid, line.qty) if lid else 0
        rows.append(
            {
                "line": line,
                "check": check_quantity(line.product, line.qty),
                "lid": lid if lid and in_cart.get(lid.sku, 0) < lid_qty else None,
                "lid_qty": lid_qty,
            }
        )
    return {
        "cart": cart,
        "rows": rows,
        "subtotal": subtotal(lines),
        "units": sum(line.qty for line in lines),
        "blocked": any(not row["check"].ok for row in rows),
        **extra,
    }


@require_GET
def cart_detail(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "orders_app/cart.html", cart_context(request))


def _cart_changed(request: HttpRequest, **extra) -> HttpResponse:
    """After a change: htmx gets the new cart body (and the badge updates on the event);
    without JavaScript, back to the cart page."""
    if not request.htmx:
        return redirect("orders:cart")
    response = TemplateResponse(
        request, "orders_app/cart.html#cart-body", cart_context(request, **extra)
    )
    return trigger_client_event(response, "cartUpdated")


@require_POST
def cart_add_view(request: HttpRequest) -> HttpResponse:
    data = request.POST.copy()
    if data.get("exact_units"):  # one of the suggested amounts was clicked
        data["qty"], data["unit"] = data["exact_units"], "units"
    product = get_object_or_404(Product, sku=data.get("sku", ""))
    form = AddToCartForm(data)
    if not form.is_valid():
        return _add_answer(request, product, error="Enter a whole number of cases or units.")
    units = to_units(product, form.cleaned_data["qty"], form.cleaned_data["unit"])
    try:
        line, check = cart_add(user=request.user, product=product, qty=units)
    except CartError as exc:
        check = exc.checks.get(product.sku)
        return _add_answer(
            request, product, error=check.error if check else exc.message, check=check
        )
    added = f"Added. You have {line.qty:,} units ({line.cases:,} cases) in your cart."
    return _add_answer(request, product, added=added, warning=check.warning)


def _add_answer(request, product, *, error="", check=None, added="", warning="") -> HttpResponse:
    """htmx gets the add-to-cart form back with the outcome (and, on success, the event that
    updates the cart badge); without JavaScript, a message and back to where the buyer was."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        if added:
            messages.success(request, f"{product.name}: {added}")
        if warning:
            messages.warning(request, warning)
        return redirect(safe_next(request, "orders:cart"))
    context = {"product": product, "error": error, "check": check, "added": added,
               "warning": warning, "next": request.POST.get("next", "")}  # fmt: skip
    response = TemplateResponse(request, "orders_app/includes/add_to_cart.html", context)
    return trigger_client_event(response, "cartUpdated") if added else response


@require_POST
def cart_line_update(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(CartLine, pk=line_id, cart=cart_for(request.user))
    form = QuantityForm(request.POST)
    if not form.is_valid():
        return _line_error(request, line, "Enter a whole number of units.")
    try:
        cart_set_quantity(line=line, qty=form.cleaned_data["qty"])
    except CartError as exc:
        return _line_error(request, line, exc.message, exc.checks.get(line.product.sku))
    return _cart_changed(request)


def _line_error(request, line, message, check=None):
    if not request.htmx:
        messages.error(request, f"{line.product.sku}: {message}")
        return redirect("orders:cart")
    return TemplateResponse(
        request,
        "orders_app/cart.html#cart-body",
        cart_context(request, line_errors={line.pk: {"message": message, "check": check}}),
    )


@require_POST
def cart_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(CartLine, pk=line_id, cart=cart_for(request.user))
    cart_remove(line=line)
    if not request.htmx:
        messages.success(request, f"Removed {line.product.sku} from your cart.")
    return _cart_changed(request)


@require_POST
def cart_empty_view(request: HttpRequest) -> HttpResponse:
    cart_empty(cart=cart_for(request.user))
    if not request.htmx:
        messages.success(request, "Your cart is empty now.")
    return _cart_changed(request)


@require_POST
def cart_add_lid(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(CartLine, pk=line_id, cart=cart_for(request.user))
    lid = matching_lid(line.product)
    if lid is None:
        return _line_error(request, line, "Cup Source lists no lid for it right now.")
    in_cart = cart_for(request.user).lines.filter(product=lid).first()
    missing = lid_quantity(lid, line.qty) - (in_cart.qty if in_cart else 0)
    try:
        cart_add(user=request.user, product=lid, qty=max(missing, 0))
    except CartError as exc:
        check = exc.checks.get(lid.sku)
        return _line_error(request, line, f"{lid.sku}: {check.error if check else exc.message}")
    if not request.htmx:
        messages.success(request, f"Added {lid.name} to match {line.product.sku}.")
    return _cart_changed(request)


@require_GET
def cart_badge(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "includes/cart_badge.html")
