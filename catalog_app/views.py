from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Length
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from catalog_app.forms import ProductFilterForm, SuggestionForm
from catalog_app.listing import last_sync, listing_html, messages_oob
from catalog_app.models import Product
from catalog_app.pictograms import VERSION, pictogram_svg
from catalog_app.search import suggestions
from catalog_app.tasks import sync_start


@require_GET
@vary_on_headers("HX-Request")
def product_list(request: HttpRequest) -> HttpResponse:
    form = ProductFilterForm(request.GET)
    if not form.is_valid():
        return TemplateResponse(request, "catalog_app/bad_filters.html", {"form": form}, status=400)
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    listing = listing_html(request, form, partial=partial)
    if partial:
        return HttpResponse(listing + messages_oob(request))
    context = {
        "listing": listing,
        "mirror_empty": not listing,
        "last_sync": last_sync(),
    }
    return TemplateResponse(request, "catalog_app/product_list.html", context)


@require_GET
def search_suggestions(request: HttpRequest) -> TemplateResponse:
    """The search box's suggestions (htmx, as the buyer types): a listbox of products. Always a
    200 — htmx swaps no error — with what was wrong in words."""
    form = SuggestionForm(request.GET)
    context = {"form": form, "suggestions": None}
    if form.is_valid():
        context["suggestions"] = suggestions(form.cleaned_data["q"])
    return TemplateResponse(request, "catalog_app/suggestions.html", context)


@require_GET
def pictogram(request: HttpRequest, version: str, name: str) -> HttpResponse:
    svg = pictogram_svg(name) if version == VERSION else None
    if svg is None:
        raise Http404("No such pictogram.")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


RELATED_SHOWN = 12  # a lid can fit thousands of printed cups: the first few, and how many more


@require_GET
def product_detail(request: HttpRequest, sku: str) -> TemplateResponse:
    product = get_object_or_404(Product.objects.with_sku(sku))
    if product.takes_lids:
        related = Product.objects.filter(sku__in=product.compatible_lids)
    else:
        related = Product.objects.available().filter(lid_fits__lid_sku=product.sku)
    shown = list(related.order_by(Length("name"), "sku")[: RELATED_SHOWN + 1])
    more = related.count() - RELATED_SHOWN if len(shown) > RELATED_SHOWN else 0
    return TemplateResponse(
        request,
        "catalog_app/product_detail.html",
        {
            "product": product,
            "related": shown[:RELATED_SHOWN],
            "related_more": more,
            "last_sync": last_sync(),
        },
    )


@require_POST
def sync_now(request: HttpRequest) -> HttpResponseRedirect:
    if not request.user.is_staff:
        raise PermissionDenied
    sync_start(user=request.user, where="catalog page")
    messages.success(
        request, "Catalog sync started. New products appear here as soon as it finishes."
    )
    return redirect("catalog:product_list")
