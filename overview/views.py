from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from catalog_app.listing import last_sync
from orders_app.models import Order
from orders_app.services import delivery_seen
from overview.figures import (
    deliveries_due,
    estimated_delivery,
    low_stock_favourites,
    orders_needing_attention,
    spend_by_month,
    spend_chart,
    top_skus,
    tracking_alerts,
)
from replenishment.forecast import restock_list
from replenishment.models import StandingOrder
from supplier.status import supplier_status

RUNNING_OUT_SHOWN = 5


@require_GET
def home(request: HttpRequest) -> TemplateResponse:
    """The overview: every figure comes from the database, none from Cup Source; the connection
    card shows how the API answered its latest call (`supplier_status()` never calls it)."""
    user, today = request.user, timezone.localdate()
    context = {
        "today": today,
        "attention": orders_needing_attention(user),
        "deliveries": deliveries_due(user, today=today),
        "alerts": tracking_alerts(user),
        "chart": spend_chart(spend_by_month(user, today=today)),
        "top_skus": top_skus(user, today=today),
        "low_stock": low_stock_favourites(user),
        "running_out": restock_list(today=today)[:RUNNING_OUT_SHOWN],
        "soon": today + timedelta(days=7),
        "standing_orders": StandingOrder.objects.for_user(user)
        .exclude(status=StandingOrder.Status.ENDED)
        .order_by("status", "next_run_at")[:5],
        "supplier": supplier_status(),
        "last_sync": last_sync(),
    }
    return TemplateResponse(request, "overview/home.html", context)


@require_POST
def delivery_date_seen(request: HttpRequest, order_id: int) -> HttpResponse:
    """ "Got it" on a moved delivery date: the buyer has seen the new date."""
    order = get_object_or_404(Order.objects.for_user(request.user), pk=order_id)
    delivery_seen(
        user=request.user, order_id=order.pk, estimated_delivery=estimated_delivery(order)
    )
    if not request.htmx:
        return redirect("home")
    context = {"alerts": tracking_alerts(request.user)}
    return TemplateResponse(request, "overview/home.html#tracking-alerts", context)
