"""Query-string forms for the list endpoints.

Strict on purpose: an absent parameter takes its default, but one that is present must be
valid (`?page=` or `?page=1.0` is a 400, not page 1).
"""

import re

from django import forms
from django.core.exceptions import ValidationError

from sandbox.models import Category, Material
from sandbox.validation import text_problem

MAX_PER_PAGE = 100
MAX_SKUS = 100


class PositiveIntegerField(forms.Field):
    def __init__(self, *, max_value: int | None = None, **kwargs):
        self.max_value = max_value
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if value is None:
            return None
        if not re.fullmatch(r"[0-9]{1,15}", value) or int(value) < 1:
            raise ValidationError("Must be a positive integer.")
        if self.max_value is not None and int(value) > self.max_value:
            raise ValidationError(f"Must be at most {self.max_value}.")
        return int(value)


class EnumField(forms.Field):
    def __init__(self, *, choices: list[str], **kwargs):
        self.allowed = choices
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if value is None:
            return None
        if value not in self.allowed:
            raise ValidationError(f"Unknown value; expected one of: {', '.join(self.allowed)}.")
        return value


class TextField(forms.Field):
    def __init__(self, *, max_length: int, **kwargs):
        self.max_length = max_length
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if value is None:
            return None
        if not 1 <= len(value) <= self.max_length:
            raise ValidationError(f"Must be 1 to {self.max_length} characters.")
        problem = text_problem(value)
        if problem:
            raise ValidationError(problem)
        return value


class PageForm(forms.Form):
    page = PositiveIntegerField()
    per_page = PositiveIntegerField(max_value=MAX_PER_PAGE)

    def errors_as_details(self) -> dict[str, list[str]]:
        return {name: [str(message) for message in errors] for name, errors in self.errors.items()}


class ProductFilterForm(PageForm):
    category = EnumField(choices=Category.values)
    material = EnumField(choices=Material.values)
    capacity = PositiveIntegerField()
    sku = TextField(max_length=MAX_SKUS * 41)

    def clean_sku(self) -> list[str] | None:
        value = self.cleaned_data["sku"]
        if value is None:
            return None
        skus = [sku.strip() for sku in value.split(",") if sku.strip()]
        if not skus:
            raise ValidationError("List at least one SKU (comma-separated).")
        if len(skus) > MAX_SKUS:
            raise ValidationError(f"At most {MAX_SKUS} SKUs at once.")
        return skus


class OrderFilterForm(PageForm):
    reference = TextField(max_length=64)
