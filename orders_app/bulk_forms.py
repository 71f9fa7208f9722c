"""Forms of the quick-order pad and the CSV upload (orders_app/bulk.py checks what they carry)."""

from django import forms

from core.forms import TextField
from orders_app.bulk import CSV_MAX_BYTES
from orders_app.quantities import MAX_ORDER_LINES

TEXT_MAX_CHARS = 20_000  # MAX_ORDER_LINES lines of SKU + quantity fit in far less


class QuickOrderForm(forms.Form):
    text = TextField(
        label="SKUs and quantities, one per line",
        required=False,
        max_length=TEXT_MAX_CHARS,
        error_messages={
            "max_length": "That is more text than we check at once: "
            f"paste at most {MAX_ORDER_LINES} lines."
        },
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "spellcheck": "false",
                "autocapitalize": "characters",
                "placeholder": "CS-8OZ-ECO 5000\nCS-DOME-LID 10 cases",
            }
        ),
    )
    # Lines already checked and ready, carried along while the buyer fixes the others.
    keep = forms.CharField(required=False, max_length=TEXT_MAX_CHARS, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not self.errors and not (data["text"].strip() or data["keep"].strip()):
            self.add_error("text", "Type or paste at least one line: a SKU, then a quantity.")
        return data

    @property
    def all_text(self) -> str:
        return "\n".join(t for t in (self.cleaned_data["keep"], self.cleaned_data["text"]) if t)


class QuickOrderAddForm(forms.Form):
    lines = forms.CharField(max_length=TEXT_MAX_CHARS, widget=forms.HiddenInput)
    rest = forms.CharField(required=False, max_length=TEXT_MAX_CHARS, widget=forms.HiddenInput)
    once = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"Columns sku and qty; up to {MAX_ORDER_LINES} rows; "
        f"at most {CSV_MAX_BYTES // 1024} KB.",
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty. Put the line sku,qty first, then one row per product.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )


class CsvConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(choices=[("all", "All rows"), ("valid", "Only the valid rows")])
