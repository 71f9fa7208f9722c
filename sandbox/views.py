"""Cup Source API v1 endpoints. Authentication and rate limiting happen in the middleware."""

import json
from collections.abc import Callable
from functools import wraps

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse

from sandbox import openapi, responses, serializers, services
from sandbox.forms import OrderFilterForm, PageForm, ProductFilterForm
from sandbox.models import Order, Product
from sandbox.validation import text_problem

MAX_IDEMPOTENCY_KEY = 255


def api_view(methods: list[str], *, auth: str = "required") -> Callable:
    """Allow only `methods` (else a 405 envelope); `auth` is required | optional | none."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                return responses.error(
                    405,
                    "method_not_allowed",
                    f"{request.method} is not allowed here; use {', '.join(methods)}.",
                    headers={"Allow": ", ".join(methods)},
                )
            return view(request, *args, **kwargs)

        wrapper.sandbox_auth = auth
        return wrapper

    return decorator


def _page(request: HttpRequest, form: PageForm, queryset: QuerySet, to_json) -> JsonResponse:
    page = form.cleaned_data["page"] or 1
    per_page = form.cleaned_data["per_page"] or 20
    total = queryset.count()
    offset = (page - 1) * per_page
    rows = list(queryset[offset : offset + per_page]) if offset < total else []
    return responses.success(
        [to_json(row) for row in rows], meta={"page": page, "per_page": per_page, "total": total}
    )


def _invalid_query(form: PageForm) -> JsonResponse:
    return responses.error(
        400, "invalid_request", "Invalid query parameters.", form.errors_as_details()
    )


@api_view(["GET"])
def product_list(request: HttpRequest) -> JsonResponse:
    form = ProductFilterForm(request.GET)
    if not form.is_valid():
        return _invalid_query(form)
    filters = {
        "category": form.cleaned_data["category"],
        "material": form.cleaned_data["material"],
        "capacity_oz": form.cleaned_data["capacity"],
        "sku__in": form.cleaned_data["sku"],
    }
    products = Product.objects.filter(
        **{name: value for name, value in filters.items() if value is not None}
    ).order_by("sku")
    return _page(request, form, products, serializers.product_json)


@api_view(["GET"])
def product_detail(request: HttpRequest, sku: str) -> JsonResponse:
    product = None if text_problem(sku) else Product.objects.filter(sku=sku).first()
    if product is None:
        return responses.not_found("No product with this SKU.")
    return responses.success(serializers.product_json(product))


@api_view(["GET", "POST"])
def orders(request: HttpRequest) -> HttpResponse:
    return order_create(request) if request.method == "POST" else order_list(request)


def order_list(request: HttpRequest) -> JsonResponse:
    form = OrderFilterForm(request.GET)
    if not form.is_valid():
        return _invalid_query(form)
    found = Order.objects.filter(account=request.api_key.account).prefetch_related("lines")
    if form.cleaned_data["reference"] is not None:
        found = found.filter(reference=form.cleaned_data["reference"])
    return _page(request, form, found, lambda o: serializers.order_json(o, list(o.lines.all())))


def order_create(request: HttpRequest) -> HttpResponse:
    api_key = request.api_key
    if api_key.read_only:
        return responses.error(403, "forbidden", "This API key is read-only.")
    if not api_key.account.billing_verified:
        return responses.error(
            403, "billing_unverified", "Verify the account's billing details before ordering."
        )
    if request.content_type != "application/json":  # parameters (charset) are allowed
        return responses.error(
            415,
            "unsupported_media_type",
            "Send the order as JSON, with Content-Type: application/json "
            f"(not {request.content_type or 'none'}).",
        )
    idempotency_key = request.headers.get("Idempotency-Key")
    if idempotency_key is not None:
        problem = text_problem(idempotency_key)
        if not 1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
            problem = f"Must be 1 to {MAX_IDEMPOTENCY_KEY} characters."
        if problem:
            return responses.error(
                400,
                "invalid_request",
                "Invalid Idempotency-Key header.",
                {"Idempotency-Key": [problem]},
            )
    try:
        payload = json.loads(request.body)
    except (ValueError, RecursionError):
        return responses.error(400, "invalid_request", "Malformed JSON body.")
    result = services.order_submit(
        account=api_key.account, payload=payload, idempotency_key=idempotency_key
    )
    return result.response()


def _own_order(request: HttpRequest, order_id: str) -> Order | None:
    if text_problem(order_id):
        return None
    return Order.objects.filter(account=request.api_key.account, id=order_id).first()


@api_view(["GET"])
def order_detail(request: HttpRequest, order_id: str) -> JsonResponse:
    order = _own_order(request, order_id)
    if order is None:
        return responses.not_found("No order with this id.")
    return responses.success(serializers.order_json(order, list(order.lines.all())))


@api_view(["GET"])
def order_tracking(request: HttpRequest, order_id: str) -> JsonResponse:
    order = _own_order(request, order_id)
    if order is None:
        return responses.not_found("No order with this id.")
    return responses.success(serializers.tracking_json(order, list(order.lines.all())))


@api_view(["GET"], auth="none")
def openapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi.document())


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], auth="optional")
def unknown_endpoint(request: HttpRequest, path: str = "") -> JsonResponse:
    return responses.not_found(f"No endpoint {request.method} {request.path}.")
