from django import template

from catalog_app.search import highlight as highlight_words

register = template.Library()


@register.filter
def highlight(text: str, query):
    """`{{ p.name|highlight:query }}`: the text escaped, the words the search matched marked."""
    return highlight_words(str(text), query)
