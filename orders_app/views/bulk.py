"""Many cart lines at once: the quick-order pad and the CSV upload (services in orders_app/bulk)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.once import AlreadyDone
from orders_app.bulk import (
    BulkError,
    BulkPreview,
    csv_add,
    csv_preview,
    csv_sample,
    quick_order_add,
    quick_order_preview,
)
from orders_app.bulk_forms import CsvConfirmForm, CsvUploadForm, QuickOrderAddForm, QuickOrderForm
from orders_app.on_behalf import shopper

REST_KEY = "orders.quick_order.rest"  # session: lines still to fix after the ready ones were added


@require_http_methods(["GET", "POST"])
def quick_order(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "add" in request.POST:
        return _quick_order_add(request)
    if request.method == "GET":  # after adding the ready lines, the rest comes back to fix
        form = QuickOrderForm(initial={"text": request.session.pop(REST_KEY, "")})
        return _pad(request, form, None, leftover=bool(form.initial["text"]))
    form = QuickOrderForm(request.POST)
    preview = None
    if form.is_valid():
        try:
            preview = quick_order_preview(user=shopper(request), text=form.all_text)
        except BulkError as exc:
            form.add_error("text", exc.message)
        else:  # the pad comes back with only the lines that need fixing
            form = QuickOrderForm(initial={"text": preview.fix_text, "keep": preview.valid_text})
    return _pad(request, form, preview)


def _quick_order_add(request: HttpRequest) -> HttpResponse:
    form = QuickOrderAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, "There were no lines to add. Type or paste them below.")
        return redirect("orders:quick_order")
    rest = form.cleaned_data["rest"]
    try:
        preview = quick_order_add(
            user=shopper(request), text=form.cleaned_data["lines"], once=form.cleaned_data["once"]
        )
    except AlreadyDone as exc:
        messages.info(request, f"{exc.message} Your cart has them.")
        return redirect("orders:cart")
    except BulkError as exc:  # more lines than one add takes: back on the pad, with why
        pad = QuickOrderForm({"text": form.cleaned_data["lines"]})
        if pad.is_valid():
            pad.add_error("text", exc.message)
        return _pad(request, pad, None)
    if not preview.added:
        text = "\n".join(t for t in (preview.fix_text, rest) if t)
        pad = QuickOrderForm(initial={"text": text, "keep": preview.valid_text})
        return _pad(request, pad, preview)
    messages.success(request, f"Added {_lines(preview.added)} to your cart.")
    if rest:
        request.session[REST_KEY] = rest
        count = len(rest.splitlines())
        verb = "needs" if count == 1 else "need"
        messages.warning(
            request, f"{_lines(count)} still {verb} fixing: they are in the box below."
        )
        return redirect("orders:quick_order")
    return redirect("orders:cart")


def _pad(
    request: HttpRequest, form, preview: BulkPreview | None, leftover=False
) -> TemplateResponse:
    context = {"form": form, "preview": preview, "leftover": leftover}
    return TemplateResponse(request, "orders_app/quick_order.html", context)


def _lines(n: int) -> str:
    return f"{n} line{'s' if n != 1 else ''}"


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> TemplateResponse:
    form = CsvUploadForm(*_posted(request))
    preview = None
    if form.is_bound and form.is_valid():
        try:
            preview = csv_preview(user=shopper(request), file=form.cleaned_data["file"])
        except BulkError as exc:
            form.add_error("file", exc.message)
    context = {"form": form, "preview": preview}
    if preview:
        context["filename"] = form.cleaned_data["file"].name
    return TemplateResponse(request, "orders_app/upload.html", context)


@require_POST
def upload_confirm(request: HttpRequest) -> HttpResponse:
    form = CsvConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was added: upload the file again.")
        return redirect("orders:upload")
    try:
        preview = csv_add(
            user=shopper(request),
            token=form.cleaned_data["token"],
            only_valid=form.cleaned_data["mode"] == "valid",
        )
    except BulkError as exc:
        messages.error(request, exc.message)
        return redirect("orders:upload")
    except AlreadyDone as exc:
        messages.info(request, f"These rows were added already: {exc.message} Your cart has them.")
        return redirect("orders:cart")
    if not preview.added:
        context = {"form": CsvUploadForm(), "preview": preview}
        return TemplateResponse(request, "orders_app/upload.html", context)
    messages.success(request, f"Added {_lines(preview.added)} from your file to the cart.")
    return redirect("orders:cart")


@require_GET
def upload_sample(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(csv_sample(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cupboard-sample-order.csv"'
    return response


def _posted(request: HttpRequest) -> tuple:
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)
