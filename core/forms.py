"""How every form renders and reads text: one field template for the whole site, and text as
the browser counts it."""

from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """`{{ form.field.as_field_group }}` renders templates/forms/field.html: label, help,
    errors and the widget, the same way on every page (settings.FORM_RENDERER)."""

    field_template_name = "forms/field.html"


class TextField(forms.CharField):
    """Text as the browser counts it: a line break is one character (browsers send "\\r\\n"
    but count, and limit with maxlength, one), so a note that fits the box fits the field."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value
