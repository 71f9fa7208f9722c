"""`{% star_button product %}`: the favourite star, with the buyer's stars read once a request."""

from django import template

from core.user_facts import user_fact
from favourites.models import SavedList
from favourites.stars import star_state

register = template.Library()


@register.inclusion_tag("favourites/includes/star.html", takes_context=True)
def star_button(context, product, labelled=False, next=None):
    """`next`: where to go back to without JavaScript (None: this page; "": the page the form
    was sent from, core.http.safe_next)."""
    request = context["request"]
    starred = request.user.is_authenticated and product.pk in user_fact(request, "starred")
    return {
        "product": product,
        "state": star_state(starred),
        "labelled": labelled,
        "next": next,
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
