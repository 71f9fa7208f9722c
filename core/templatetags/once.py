from django import template
from django.utils.html import format_html

from core.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def once_field() -> str:
    """A hidden field with a fresh single-use token (core/once.py)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
