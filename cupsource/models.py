"""Typed views of the Cup Source API v1 resources (see ``/work/shared/api/cupsource-v1.md``).

Responses are parsed from the raw JSON bytes in pydantic's strict mode: an integer must be a
JSON integer, a date an ISO string, a timestamp must carry its UTC offset and money must be a
decimal *string* (``"0.0480"`` becomes ``Decimal("0.0480")`` exactly; a JSON number is refused,
because it would have gone through a binary float on the server's side already). Unknown extra
fields are ignored so that new fields on the real API do not break the client; missing or
invalid documented fields are errors.

All models are frozen.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "Category",
    "Material",
    "Order",
    "OrderItemIn",
    "OrderLine",
    "OrderStatus",
    "Page",
    "PageMeta",
    "Product",
    "ShippingAddress",
    "Tracking",
    "TrackingEvent",
    "TrackingStatus",
]

Category = Literal["cups", "bowls", "lids"]
Material = Literal["paper", "plastic", "bioplastic"]
OrderStatus = Literal["received", "processing", "shipped", "delivered", "cancelled"]
TrackingStatus = Literal[
    "pending", "label_created", "in_transit", "out_for_delivery", "delivered", "exception"
]

_DECIMAL_STRING = re.compile(r"-?\d+(\.\d+)?")


def _decimal_from_string(value: object) -> Decimal:
    """Accept only the contract's decimal strings (``"12.50"``), never JSON numbers."""
    if isinstance(value, Decimal):  # already parsed (a model built in Python)
        return value
    if not isinstance(value, str) or not _DECIMAL_STRING.fullmatch(value):
        raise ValueError("must be a decimal string such as '0.0480'")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the regex only lets valid numbers through
        raise ValueError("must be a decimal string such as '0.0480'") from None


Money = Annotated[Decimal, BeforeValidator(_decimal_from_string)]
"""A decimal amount sent as a JSON string."""


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class Product(_Model):
    sku: str
    name: str
    category: Category
    material: Material
    capacity_oz: int | None
    unit_price: Money
    currency: str
    case_pack: int
    min_order_qty: int
    stock: int
    lead_time_days: int
    description: str
    compatible_lids: list[str]
    updated_at: AwareDatetime


class PageMeta(_Model):
    page: int
    per_page: int
    total: int


class Page[T](_Model):
    """One page of a list endpoint: the items and the envelope's ``meta``."""

    items: list[T]
    meta: PageMeta

    @property
    def has_next(self) -> bool:
        """True when the server holds items past this page."""
        return self.meta.page * self.meta.per_page < self.meta.total


class OrderLine(_Model):
    sku: str
    qty: int
    unit_price: Money
    line_total: Money


class ShippingAddress(_Model):
    line1: str
    line2: str | None = None
    city: str
    state: str
    zip: str
    name: str | None = None


class Order(_Model):
    id: str
    status: OrderStatus
    reference: str | None = None  # [pinned] extra: tolerate its absence on the real API
    items: list[OrderLine]
    subtotal: Money
    shipping: Money
    total: Money
    currency: str
    shipping_address: ShippingAddress
    created_at: AwareDatetime


class TrackingEvent(_Model):
    at: AwareDatetime
    status: TrackingStatus
    location: str | None
    description: str


class Tracking(_Model):
    order_id: str
    status: TrackingStatus
    carrier: str | None
    tracking_number: str | None
    estimated_delivery: date | None
    signature_required: bool
    events: list[TrackingEvent]


class OrderItemIn(_Model):
    """One line of an order to create (input only)."""

    sku: str = Field(min_length=1)
    qty: int = Field(gt=0)


# --- envelopes (internal): parsed in one pass, then unwrapped by the client -----------------


class ItemEnvelope[T](_Model):
    success: Literal[True]
    data: T
    meta: dict[str, Any] = Field(default_factory=dict)


class ListEnvelope[T](_Model):
    success: Literal[True]
    data: list[T]
    meta: PageMeta
