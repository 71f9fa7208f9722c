from django import template
from django.urls import reverse
from django.utils.html import format_html

from catalog_app.pictograms import VERSION, pictogram_name
from catalog_app.search import highlight as highlight_words

register = template.Library()


@register.filter
def highlight(text: str, query):
    """`{{ p.name|highlight:query }}`: the text escaped, the words the search matched marked."""
    return highlight_words(str(text), query)


@register.simple_tag
def pictogram(product, size: int = 40):
    """`{% pictogram product %}`: its drawing, with an empty alt (the name is beside it)."""
    url = reverse("catalog:pictogram", args=[VERSION, pictogram_name(product)])
    return format_html(
        '<img class="pictogram" src="{}" alt="" width="{}" height="{}" loading="lazy">',
        url,
        size,
        size,
    )
