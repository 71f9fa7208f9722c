from django import template

from orders_app.models import Cart, CartLine
from orders_app.services import matching_quantity

register = template.Library()


@register.inclusion_tag("orders_app/includes/one_click_add.html", takes_context=True)
def add_matching(context, product, base):
    """`{% add_matching lid cup %}`: a one-click "Add" of `product` in the quantity that goes
    with `base` — as many as the cart holds of it, else its minimum order."""
    request = context["request"]
    in_cart = context.render_context.get("cart-units")
    if in_cart is None:
        lines = CartLine.objects.filter(cart__user=request.user, cart__status=Cart.Status.OPEN)
        in_cart = dict(lines.values_list("product__sku", "qty"))  # (a page view makes no cart)
        context.render_context["cart-units"] = in_cart
    basis = in_cart.get(base.sku) or base.min_cases * base.case_pack
    return {
        "request": request,
        "product": product,
        "qty": matching_quantity(product, basis),
        "for_cart": base.sku in in_cart,
        "base": base,
        "csrf_token": context.get("csrf_token"),
    }
