"""The approver's pages: what waits for approval, every order, and the decision itself."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_approver
from orders_app.forms import AllOrdersFilterForm, DecisionForm, first_error
from orders_app.models import Order
from orders_app.services import ApprovalError, order_approve, order_reject, order_submit
from supplier.client import get_web_client


def approver_required(view):
    """Only approvers; to anyone else these pages do not exist (404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not is_approver(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _orders():
    return Order.objects.select_related("placed_by", "reviewed_by", "placed_on_behalf_by").annotate(
        line_count=Count("lines")
    )


@require_GET
@approver_required
def approval_list(request: HttpRequest) -> TemplateResponse:
    waiting = _orders().filter(state=Order.State.PENDING_APPROVAL).order_by("created_at", "pk")
    decided = _orders().filter(reviewed_at__isnull=False).order_by("-reviewed_at")[:20]
    context = {"waiting": waiting, "decided": decided}
    return TemplateResponse(request, "orders_app/approval_list.html", context)


@require_GET
@approver_required
def all_orders(request: HttpRequest) -> TemplateResponse:
    form = AllOrdersFilterForm(request.GET)
    if not form.is_valid():
        return TemplateResponse(
            request, "orders_app/all_orders.html", {"form": form, "page": None}, status=400
        )
    orders = _orders().order_by("-created_at", "-pk")
    if form.cleaned_data["state"]:
        orders = orders.filter(state=form.cleaned_data["state"])
    if text := form.cleaned_data["q"].strip():
        orders = orders.filter(
            Q(reference__icontains=text)
            | Q(po_number__icontains=text)
            | Q(placed_by__username__icontains=text)
            | Q(placed_by__first_name__icontains=text)
            | Q(placed_by__last_name__icontains=text)
        )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": Paginator(orders, 25).get_page(form.cleaned_data["page"]),
        "query_without_page": params.urlencode(),
    }
    return TemplateResponse(request, "orders_app/all_orders.html", context)


@require_GET
@approver_required
def approval_detail(request: HttpRequest, order_id: int) -> TemplateResponse:
    order = get_object_or_404(_orders(), pk=order_id)
    context = {
        "order": order,
        "lines": order.lines.all(),
        "events": order.events.select_related("actor"),
        "form": DecisionForm(),
        "can_decide": order.state == Order.State.PENDING_APPROVAL
        and order.placed_by_id != request.user.pk
        and not (order.placed_on_behalf_by_id and request.user.is_staff),
    }
    return TemplateResponse(request, "orders_app/approval_detail.html", context)


@require_POST
@approver_required
def order_approve_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=order_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(order, request, first_error(form))
    try:
        order = order_approve(order=order, approver=request.user, **form.cleaned_data)
    except ApprovalError as exc:
        return _refused(order, request, str(exc))
    with get_web_client() as client:
        order = order_submit(order=order, client=client)
    messages.success(
        request, f"Approved order {order.reference}; it is now {order.status_label.lower()}."
    )
    return redirect("orders:approval_list")


@require_POST
@approver_required
def order_reject_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=order_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(order, request, first_error(form))
    try:
        order = order_reject(order=order, approver=request.user, **form.cleaned_data)
    except ApprovalError as exc:
        return _refused(order, request, str(exc))
    messages.success(request, f"Rejected order {order.reference}; the buyer sees your comment.")
    return redirect("orders:approval_list")


def _refused(order: Order, request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("orders:approval_detail", order_id=order.pk)
