"""Model → JSON shapes of Cup Source API v1 (every field always present, null where n/a)."""

from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings

from sandbox import clock, tracking
from sandbox.models import Order, OrderLine, Product


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def product_json(product: Product) -> dict:
    return {
        "sku": product.sku,
        "name": product.name,
        "category": product.category,
        "material": product.material,
        "capacity_oz": product.capacity_oz,
        "unit_price": f"{product.unit_price:.4f}",
        "currency": product.currency,
        "case_pack": product.case_pack,
        "min_order_qty": product.min_order_qty,
        "stock": product.stock,
        "lead_time_days": product.lead_time_days,
        "description": product.description,
        "compatible_lids": list(product.compatible_lids),
        "updated_at": iso(product.updated_at),
    }


def order_json(order: Order, lines: list[OrderLine]) -> dict:
    return {
        "id": order.id,
        "status": tracking.order_status(
            order_id=order.id,
            created_at=order.created_at,
            now=clock.now(),
            scale=settings.SANDBOX_TIME_SCALE,
        ),
        "reference": order.reference or None,
        "items": [
            {
                "sku": line.sku,
                "qty": line.qty,
                "unit_price": f"{line.unit_price:.4f}",
                "line_total": money(line.line_total),
            }
            for line in lines
        ],
        "subtotal": money(order.subtotal),
        "shipping": money(order.shipping),
        "total": money(order.total),
        "currency": order.currency,
        "shipping_address": order.shipping_address,
        "created_at": iso(order.created_at),
    }


def tracking_json(order: Order, lines: list[OrderLine]) -> dict:
    address = order.shipping_address
    state = tracking.track(
        order_id=order.id,
        created_at=order.created_at,
        destination=f"{address['city']}, {address['state']}",
        total=order.total,
        units=sum(line.qty for line in lines),
        now=clock.now(),
        scale=settings.SANDBOX_TIME_SCALE,
    )
    return {
        "order_id": state.order_id,
        "status": state.status,
        "carrier": state.carrier,
        "tracking_number": state.tracking_number,
        "estimated_delivery": state.estimated_delivery.isoformat(),
        "signature_required": state.signature_required,
        "events": [
            {
                "at": iso(event.at),
                "status": event.status,
                "location": event.location,
                "description": event.description,
            }
            for event in state.events
        ],
    }
