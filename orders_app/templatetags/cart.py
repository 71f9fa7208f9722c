from django import template

from orders_app.services import cart_for, matching_quantity

register = template.Library()


@register.inclusion_tag("orders_app/includes/one_click_add.html", takes_context=True)
def add_matching(context, product, base):
    """`{% add_matching lid cup %}`: a one-click "Add" of `product` in the quantity that goes
    with `base` — as many as the cart holds of it, else its minimum order."""
    request = context["request"]
    in_cart = context.render_context.get("cart-units")
    if in_cart is None:
        lines = cart_for(request.user).lines.values_list("product__sku", "qty")
        in_cart = context.render_context["cart-units"] = dict(lines)
    basis = in_cart.get(base.sku) or base.min_cases * base.case_pack
    return {
        "request": request,
        "product": product,
        "qty": matching_quantity(product, basis),
        "for_cart": base.sku in in_cart,
        "base": base,
        "csrf_token": context.get("csrf_token"),
    }
