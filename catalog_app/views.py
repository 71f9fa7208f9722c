from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.audit import Action, audit_record
from catalog_app.forms import ProductFilterForm
from catalog_app.models import Category, Material, Product, SyncRun
from catalog_app.services import last_successful_sync
from catalog_app.tasks import sync_catalog

PER_PAGE = 25


@require_GET
@vary_on_headers("HX-Request")
def product_list(request: HttpRequest) -> TemplateResponse:
    form = ProductFilterForm(request.GET)
    if not form.is_valid():
        return TemplateResponse(request, "catalog_app/bad_filters.html", {"form": form}, status=400)
    products = Product.objects.available()
    query = form.cleaned_data["q"].strip()
    if query:
        products = products.search(query)
    page = Paginator(products.filter(**form.filters()).order_by(*form.ordering), PER_PAGE).get_page(
        form.cleaned_data["page"]
    )
    context = {
        "form": form,
        "page": page,
        "facets": _facets(form, products),
        "query_without_page": _query_without(request, "page"),
        "mirror_empty": not Product.objects.exists(),
        "last_sync": last_successful_sync(),
    }
    template = "catalog_app/product_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return TemplateResponse(request, template, context)


def _facets(form: ProductFilterForm, products) -> list[dict]:
    """Counts per value of each facet, under every other active filter."""
    labels = {"category": dict(Category.choices), "material": dict(Material.choices)}
    facets = []
    for name, field in [
        ("category", "category"),
        ("material", "material"),
        ("capacity", "capacity_oz"),
    ]:
        rows = (
            products.filter(**form.filters(without=name))
            .exclude(**{f"{field}__isnull": True})
            .values_list(field)
            .annotate(n=Count("id"))
            .order_by(field)
        )
        counts = dict(rows)
        if name in labels:
            values = [(v, label, counts.get(v, 0)) for v, label in labels[name].items()]
        else:
            values = [(v, f"{v} oz", n) for v, n in counts.items()]
        selected = form.cleaned_data.get(name)
        facets.append({"name": name, "values": values, "selected": selected})
    return facets


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@require_GET
def product_detail(request: HttpRequest, sku: str) -> TemplateResponse:
    product = get_object_or_404(Product, sku=sku)
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
            "last_sync": last_successful_sync(),
        },
    )


@require_POST
def sync_now(request: HttpRequest) -> HttpResponseRedirect:
    if not request.user.is_staff:
        raise PermissionDenied
    sync_catalog.enqueue(trigger=SyncRun.Trigger.STAFF, user_id=request.user.pk)
    audit_record(
        action=Action.SYNC_TRIGGERED,
        actor=request.user,
        summary="Started a catalog sync from the catalog page",
        details={"where": "catalog page"},
    )
    messages.success(
        request, "Catalog sync started. New products appear here as soon as it finishes."
    )
    return redirect("catalog:product_list")
