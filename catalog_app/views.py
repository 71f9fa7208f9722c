from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from catalog_app.forms import ProductFilterForm
from catalog_app.listing import last_sync, listing_html, messages_oob
from catalog_app.models import Product
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
def product_detail(request: HttpRequest, sku: str) -> TemplateResponse:
    product = get_object_or_404(Product.objects.with_sku(sku))
    if product.takes_lids:
        related = Product.objects.filter(sku__in=product.compatible_lids)
    else:
        related = Product.objects.filter(lid_fits__lid_sku=product.sku)
    return TemplateResponse(
        request,
        "catalog_app/product_detail.html",
        {
            "product": product,
            "related": related.order_by("sku"),
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
