from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.roles import TEAM_ORDERS, order_visibility
from core.once import AlreadyDone
from orders_app.export import orders_csv
from orders_app.forms import OrderFilterForm, ResubmitLineForm, first_error
from orders_app.models import Order
from orders_app.services import (
    CartError,
    delivery_seen,
    order_resubmit,
    order_submit,
    seen_deliveries,
)
from orders_app.services import order_cancel as order_cancel_service
from orders_app.services import order_reorder as order_reorder_service
from orders_app.tracking import TrackingView, tracking_for
from supplier.client import get_web_client


@require_GET
def order_list(request: HttpRequest) -> TemplateResponse:
    form, orders = _filtered(request)
    if orders is None:
        return _bad_filters(request, form)
    orders = orders.annotate(line_count=Count("lines"), unit_count=Sum("lines__qty")).order_by(
        "-created_at", "-pk"
    )
    page = Paginator(orders, 25).get_page(form.cleaned_data["page"])
    params = request.GET.copy()
    params.pop("page", None)
    return TemplateResponse(
        request,
        "orders_app/order_list.html",
        {
            "form": form,
            "page": page,
            "query_without_page": params.urlencode(),
            "filtered": bool(params),
            "team_visible": order_visibility() == TEAM_ORDERS,
        },
    )


@require_GET
def order_export(request: HttpRequest) -> HttpResponse:
    """The order list's orders (same filters, every page) as CSV, one row per line."""
    form, orders = _filtered(request)
    if orders is None:
        return _bad_filters(request, form)
    response = StreamingHttpResponse(orders_csv(orders), content_type="text/csv; charset=utf-8")
    filename = f"cupboard-orders-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filtered(request: HttpRequest):
    """`(form, the buyer's orders under the list's filters)`; the orders are None when the
    filters are not valid."""
    form = OrderFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    if form.cleaned_data.get("whose") == "team":
        orders = Order.objects.visible_to(request.user)
    else:
        orders = Order.objects.for_user(request.user)
    return form, _filter(orders.select_related("placed_by"), form.cleaned_data)


def _bad_filters(request: HttpRequest, form: OrderFilterForm) -> TemplateResponse:
    return TemplateResponse(
        request, "orders_app/order_list.html", {"form": form, "page": None}, status=400
    )


def _filter(orders, data: dict):
    status = data.get("status")
    if status == "attention":
        orders = orders.filter(state__in=Order.ATTENTION_STATES)
    elif status == "pending":
        orders = orders.filter(state__in=Order.PENDING_STATES)
    elif status:
        orders = orders.filter(state=Order.State.ACCEPTED, supplier_status=status)
    if data.get("reference"):
        text = data["reference"].strip()
        orders = orders.filter(Q(reference__icontains=text) | Q(po_number__icontains=text))
    if data.get("placed_from"):
        orders = orders.filter(created_at__date__gte=data["placed_from"])
    if data.get("placed_to"):
        orders = orders.filter(created_at__date__lte=data["placed_to"])
    return orders


def _own_order(request: HttpRequest, order_id: int) -> Order:
    """One of the user's own orders (every change): anyone else's is a 404."""
    return get_object_or_404(
        Order.objects.for_user(request.user).select_related("placed_by"), pk=order_id
    )


def _visible_order(request: HttpRequest, order_id: int) -> Order:
    """An order the user may look at: their own, or a colleague's when the team's orders are
    visible (read-only)."""
    return get_object_or_404(
        Order.objects.visible_to(request.user).select_related("placed_by"), pk=order_id
    )


@require_GET
def order_detail(request: HttpRequest, order_id: int) -> TemplateResponse:
    order = _visible_order(request, order_id)
    mine = order.placed_by_id == request.user.pk
    lines = list(order.lines.all())
    problems = order.problem_details or {}
    for index, line in enumerate(lines):
        prefix = f"items[{index}]"
        line.problems = [
            msg for path, msgs in problems.items() if path.startswith(prefix) for msg in msgs
        ]
    general_problems = [
        (path, msgs) for path, msgs in problems.items() if not path.startswith("items[")
    ]
    return TemplateResponse(
        request,
        "orders_app/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "general_problems": general_problems,
            "events": order.events.all(),
            "mine": mine,
            "changeable": mine and order.is_changeable,
        },
    )


@require_POST
def order_reorder(request: HttpRequest, order_id: int) -> HttpResponse:
    """Put an old order's lines in the cart, checked against today's catalog."""
    order = _own_order(request, order_id)
    try:
        added, skipped = order_reorder_service(
            order=order, user=request.user, once=request.POST.get("once")
        )
    except AlreadyDone as exc:
        messages.info(request, f"{exc.message} Your cart has {order.reference}'s lines.")
        return redirect("orders:cart")
    except CartError as exc:
        messages.error(request, f"{exc.message} (together with what is already in your cart).")
        return redirect("orders:order_detail", order_id=order.pk)
    if added:
        lines = f"{added} line{pluralize(added)}"
        messages.success(request, f"Added {lines} from {order.reference} to your cart.")
    for reason in skipped:
        messages.warning(request, f"Not added: {reason}.")
    return redirect("orders:cart")


@require_POST
def order_resubmit_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """Fix a refused order's quantities (or review a held one) and send it."""
    order = _own_order(request, order_id)
    if order.state not in Order.CHANGEABLE_STATES:
        return redirect("orders:order_detail", order_id=order.pk)
    quantities, errors = {}, []
    for line in order.lines.all():
        form = ResubmitLineForm({"qty": request.POST.get(f"qty-{line.pk}", line.qty)})
        if form.is_valid():
            quantities[line.pk] = form.cleaned_data["qty"]
        else:
            errors.append(f"{line.sku}: {first_error(form)}")
    if not errors:
        try:
            order = order_resubmit(order=order, user=request.user, quantities=quantities)
        except CartError as exc:
            errors = [check.error for check in exc.checks.values() if not check.ok]
            errors = errors or [exc.message]
    if errors:
        for error in errors:
            messages.error(request, error)
        return redirect("orders:order_detail", order_id=order.pk)
    with get_web_client() as client:
        order_submit(order=order, client=client)
    return redirect("orders:order_detail", order_id=order.pk)


@require_POST
def order_cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _own_order(request, order_id)
    if order_cancel_service(order=order, user=request.user):
        messages.success(
            request, f"Order {order.reference} is cancelled; nothing was sent to Cup Source."
        )
    else:
        messages.error(
            request, "Only an order Cup Source refused or one held for you can be cancelled here."
        )
    return redirect("orders:order_detail", order_id=order.pk)


@require_GET
@vary_on_headers("HX-Request")
def order_tracking(request: HttpRequest, order_id: int) -> TemplateResponse:
    order = _visible_order(request, order_id)
    tracking = tracking_for(order, client_factory=get_web_client)
    template = "orders_app/tracking.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#tracking-panel"
    mine = order.placed_by_id == request.user.pk
    moved_from = _moved_from(request, order, tracking) if mine else None
    context = {"order": order, "tracking": tracking, "moved_from": moved_from}
    return TemplateResponse(request, template, context)


def _moved_from(request: HttpRequest, order: Order, tracking: TrackingView) -> date | None:
    """The estimated delivery date the buyer last saw, when the tracking says another one now
    (after a delivery exception, say): shown as "moved from …" until they press "Got it"."""
    if not tracking.data or tracking.delivered:
        return None
    now = tracking.parsed.estimated_delivery
    was = seen_deliveries(user=request.user, current={order.pk: now})[order.pk]
    return was if was is not None and was != now else None


@require_POST
def order_tracking_seen(request: HttpRequest, order_id: int) -> HttpResponse:
    """ "Got it" on a moved delivery date, on the tracking page."""
    order = _own_order(request, order_id)
    estimated = (order.tracking or {}).get("estimated_delivery")
    delivery_seen(
        user=request.user,
        order_id=order.pk,
        estimated_delivery=date.fromisoformat(estimated) if estimated else None,
    )
    if not request.htmx:
        return redirect("orders:order_tracking", order_id=order.pk)
    tracking = TrackingView(order.tracking, order.tracking_fetched_at)
    context = {"order": order, "tracking": tracking, "moved_from": None}
    return TemplateResponse(request, "orders_app/tracking.html#tracking-panel", context)
