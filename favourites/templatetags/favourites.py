"""`{% star_button product %}`: the favourite star, with the buyer's stars read once a request."""

from django import template

from favourites.models import SavedList
from favourites.services import starred_product_ids

register = template.Library()


def _starred(request) -> set[int]:
    if not hasattr(request, "_starred_ids"):
        user = request.user
        request._starred_ids = starred_product_ids(user) if user.is_authenticated else set()
    return request._starred_ids


@register.inclusion_tag("favourites/includes/star.html", takes_context=True)
def star_button(context, product, labelled=False):
    request = context["request"]
    return {
        "product": product,
        "starred": product.pk in _starred(request),
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
