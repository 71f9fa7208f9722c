from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html

from catalog_app.pictograms import VERSION, pictogram_name
from catalog_app.search import highlight as highlight_words

register = template.Library()


@register.filter
def highlight(text: str, query):
    """`{{ p.name|highlight:query }}`: the text escaped, the words the search matched marked."""
    return highlight_words(str(text), query)


@lru_cache(maxsize=256)
def _pictogram_url(name: str, prefix: str) -> str:
    return reverse("catalog:pictogram", args=[VERSION, name])


@register.simple_tag
def pictogram(product, size: int = 40):
    """`{% pictogram product %}`: its drawing, with an empty alt (the name is beside it)."""
    url = _pictogram_url(pictogram_name(product), get_script_prefix())
    return format_html(
        '<img class="pictogram" src="{}" alt="" width="{}" height="{}" loading="lazy">',
        url,
        size,
        size,
    )
