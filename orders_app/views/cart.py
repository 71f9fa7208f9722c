from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from catalog_app.models import Product
from core.http import safe_next
from core.once import AlreadyDone
from orders_app.forms import (
    AddToCartForm,
    CartLineForm,
    OneClickAddForm,
    first_error,
    with_exact_units,
)
from orders_app.models import CartLine, subtotal
from orders_app.on_behalf import shopper
from orders_app.quantities import UNITS, check_order_size, check_quantity, to_units
from orders_app.services import (
    CartError,
    cart_add,
    cart_add_once,
    cart_empty,
    cart_for,
    cart_remove,
    cart_set_quantity,
    lid_quantity,
    matching_lid,
)

REMOVED_KEY = "orders.cart.removed"  # session: the line just removed, for "Undo"


def cart_context(request: HttpRequest, *, line_error: dict | None = None, **extra) -> dict:
    """The cart page's rows. `line_error` — {"line": pk, "message", "check", "qty", "unit"} —
    shows a refused change on its line, with what the buyer typed and the amounts that work."""
    cart = cart_for(shopper(request))
    lines = list(cart.lines.select_related("product"))
    in_cart = {line.product.sku: line.qty for line in lines}
    rows = []
    for line in lines:
        lid = matching_lid(line.product)
        lid_qty = lid_quantity(lid, line.qty) if lid else 0
        row = {
            "line": line,
            "check": check_quantity(line.product, line.qty),
            "lid": lid if lid and in_cart.get(lid.sku, 0) < lid_qty else None,
            "lid_qty": lid_qty,
            "typed_qty": line.qty,
            "typed_unit": UNITS,
        }
        if line_error and line_error["line"] == line.pk:
            row.update(
                error=line_error["message"],
                suggestions=line_error["check"].suggestions if line_error.get("check") else [],
                typed_qty=line_error.get("qty", line.qty),
                typed_unit=line_error.get("unit") or UNITS,
            )
        rows.append(row)
    total = subtotal(lines)
    size_problem = check_order_size(lines=len(lines), subtotal=total)
    return {
        "cart": cart,
        "rows": rows,
        "subtotal": total,
        "units": sum(line.qty for line in lines),
        "size_problem": size_problem,
        "blocked": bool(size_problem) or any(not row["check"].ok for row in rows),
        "removed": request.session.pop(REMOVED_KEY, None),
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
    data = with_exact_units(request.POST)
    product = get_object_or_404(Product.objects.with_sku(data.get("sku", "")))
    form = AddToCartForm(data)
    if not form.is_valid():
        return _add_answer(request, product, error=first_error(form))
    units = to_units(product, form.cleaned_data["qty"], form.cleaned_data["unit"])
    already = cart_for(shopper(request)).lines.filter(product=product).values_list("qty", flat=True)
    already = already.first() or 0
    try:
        line, check = cart_add(user=shopper(request), product=product, qty=units)
    except CartError as exc:
        check = exc.checks.get(product.sku)
        # The checks are on the cart's total; the chips add to what is there.
        suggestions = [n - already for n in (check.suggestions if check else []) if n > already]
        error = check.error if check and check.error else exc.message
        return _add_answer(request, product, error=error, suggestions=suggestions)
    added = (
        f"Added. You have {line.qty:,} units ({line.cases:,} {_cases(line.cases)}) in your cart."
    )
    return _add_answer(request, product, added=added, warning=check.warning)


def _cases(n: int) -> str:
    return "case" if n == 1 else "cases"


def _add_answer(
    request, product, *, error="", suggestions=(), added="", warning=""
) -> HttpResponse:
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
    context = {"product": product, "error": error, "suggestions": suggestions, "added": added,
               "warning": warning, "next": request.POST.get("next", "")}  # fmt: skip
    response = TemplateResponse(request, "orders_app/includes/add_to_cart.html", context)
    return trigger_client_event(response, "cartUpdated") if added else response


@require_POST
def cart_add_one_click(request: HttpRequest) -> HttpResponse:
    """A one-click "Add" from a product page's lids that fit (or cups a lid fits): the quantity
    the button shows, at most once per button (a single-use token)."""
    form = OneClickAddForm(request.POST)
    if not form.is_valid():
        return _one_click_answer(request, None, error=first_error(form))
    product = Product.objects.available().with_sku(form.cleaned_data["sku"]).first()
    if product is None:
        return _one_click_answer(request, None, error="Cup Source no longer offers this product.")
    qty = form.cleaned_data["qty"]
    try:
        line = cart_add_once(
            user=request.user, product=product, qty=qty, once=request.POST.get("once")
        )
    except AlreadyDone as exc:
        return _one_click_answer(request, product, error=f"{exc.message} Your cart has it.")
    except CartError as exc:
        check = exc.checks.get(product.sku)
        message = check.error if check and check.error else exc.message
        return _one_click_answer(request, product, error=message)
    added = f"Added {qty:,} — {line.qty:,} in your cart."
    return _one_click_answer(request, product, added=added)


def _one_click_answer(request, product, *, added: str = "", error: str = "") -> HttpResponse:
    """htmx gets the answer beside the button (and the badge its event); without JavaScript, a
    message and back to the page."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"{product.name}: {added}")
        return redirect(safe_next(request, "orders:cart"))
    context = {"added": added, "error": error}
    response = TemplateResponse(request, "orders_app/includes/one_click_answer.html", context)
    return trigger_client_event(response, "cartUpdated") if added else response


@require_POST
def cart_line_update(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(CartLine, pk=line_id, cart=cart_for(shopper(request)))
    data = with_exact_units(request.POST)
    form = CartLineForm(data)
    typed = {"qty": data.get("qty", ""), "unit": data.get("unit", "")}
    if not form.is_valid():
        return _line_error(request, line, first_error(form), **typed)
    try:
        cart_set_quantity(line=line, qty=form.units(line.product))
    except CartError as exc:
        check = exc.checks.get(line.product.sku)
        message = check.error if check and check.error else exc.message
        return _line_error(request, line, message, check=check, **typed)
    return _cart_changed(request)


def _line_error(request, line, message, check=None, **typed):
    """A refused change of a line: htmx gets the cart body with the message, what was typed
    and the amounts that would work, on that line; without JavaScript, a message."""
    if not request.htmx:
        messages.error(request, f"{line.product.sku}: {message}")
        return redirect("orders:cart")
    error = {"line": line.pk, "message": message, "check": check, **typed}
    context = cart_context(request, line_error=error)
    return TemplateResponse(request, "orders_app/cart.html#cart-body", context)


@require_POST
def cart_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(CartLine, pk=line_id, cart=cart_for(shopper(request)))
    cart_remove(line=line)
    request.session[REMOVED_KEY] = {"sku": line.product.sku, "name": line.product.name,
                                    "qty": line.qty}  # fmt: skip
    return _cart_changed(request)


@require_POST
def cart_empty_view(request: HttpRequest) -> HttpResponse:
    cart_empty(cart=cart_for(shopper(request)))
    if not request.htmx:
        messages.success(request, "Your cart is empty now.")
    return _cart_changed(request)


@require_POST
def cart_add_lid(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(CartLine, pk=line_id, cart=cart_for(shopper(request)))
    lid = matching_lid(line.product)
    if lid is None:
        return _line_error(request, line, "Cup Source lists no lid for it right now.")
    in_cart = cart_for(shopper(request)).lines.filter(product=lid).first()
    missing = lid_quantity(lid, line.qty) - (in_cart.qty if in_cart else 0)
    try:
        cart_add(user=shopper(request), product=lid, qty=max(missing, 0))
    except CartError as exc:
        check = exc.checks.get(lid.sku)
        return _line_error(request, line, f"{lid.sku}: {check.error if check else exc.message}")
    if not request.htmx:
        messages.success(request, f"Added {lid.name} to match {line.product.sku}.")
    return _cart_changed(request)


@require_GET
def cart_badge(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "includes/cart_badge.html")
