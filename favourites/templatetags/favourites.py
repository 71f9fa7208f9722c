"""`{% star_button product %}`: the favourite star, with the buyer's stars read once a request."""

from django import template

from dashboard.user_cache import user_fact
from favourites.models import SavedList
from favourites.services import starred_product_ids
from favourites.stars import star_placeholders, star_state

register = template.Library()


def _starred(request) -> set[int]:
    if not request.user.is_authenticated:
        return set()
    return user_fact(request, "starred", lambda: starred_product_ids(request.user))


@register.inclusion_tag("favourites/includes/star.html", takes_context=True)
def star_button(context, product, labelled=False):
    """In a listing rendered for every buyer (`star_placeholders` in the context) the button's
    state is left as placeholders that each request fills in: see favourites.stars."""
    request = context["request"]
    if context.get("star_placeholders"):
        state = star_placeholders(product.pk)
    else:
        state = star_state(product.pk in _starred(request))
    return {
        "product": product,
        "state": state,
        "labelled": labelled,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("favourites/includes/save_to_list.html", takes_context=True)
def save_to_list(context, product):
    return {
        "product": product,
        "lists": SavedList.objects.all(),
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
