"""After a restore: what Cup Source has that the restored database does not.

The orders placed after the backup was taken exist at Cup Source but not in the restored
database; the orders that were still waiting to be sent (or unsure) at backup time may have
been sent since. Sending those again, or letting their buyers place them again, would double
them. So, before the workers carry on (core/backups.py fences them meanwhile),
`orders_reconcile_after_restore` lists Cup Source's orders since the backup — newest first,
at background priority, within the shared request budget — and for each one no local order
holds:

- a local order not yet accepted with its reference, lines and address (the ledger's own
  matching rule, `order_found_at_supplier`) takes it: accepted, never re-sent;
- otherwise it is re-imported: a new local order, accepted, with its lines, totals and current
  tracking. Its buyer is the one whose open cart holds exactly its lines (that cart is checked
  out, so it cannot be placed a second time); when no cart matches, the `owner` (by default
  the first superuser), and its history says so.

An order Cup Source does not list stays as it was: queued ones are sent by the worker with the
key they were written with, unsure ones are looked up by reference first, as always.
"""

import logging
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from catalog_app.models import Product
from cupsource.budget import Priority
from cupsource.client import CupSourceClient
from cupsource.models import Order as SupplierOrder
from orders_app.models import Address, Cart, Order, OrderEvent, OrderLine
from orders_app.services import order_found_at_supplier, record_event
from orders_app.tracking import tracking_for
from supplier.client import get_client

logger = logging.getLogger(__name__)

MARGIN = timedelta(minutes=10)  # clocks differ; an order listed twice is skipped, not doubled
PER_PAGE = 100
MAX_PAGES = 50  # 5,000 orders since the backup; at background priority, within the budget


@dataclass
class Reconciled:
    listed: int = 0  # Cup Source's orders since the backup
    known: int = 0  # already in the restored database
    found: int = 0  # an unsent local order, now accepted
    reimported: int = 0
    requests: int = 0


def orders_reconcile_after_restore(
    *, client: CupSourceClient, since: datetime | None = None, owner=None
) -> Reconciled:
    since = since or latest_activity() - MARGIN
    if timezone.is_naive(since):
        since = timezone.make_aware(since)
    result = Reconciled()
    for remote in reversed(_supplier_orders_since(client, since, result)):
        result.listed += 1
        if Order.objects.filter(supplier_order_id=remote.id).exists():
            result.known += 1
        elif local := _unsent_match(remote):
            order_found_at_supplier(
                order=local, remote=remote, how="Found at Cup Source after a restore."
            )
            result.found += 1
        else:
            _reimport(remote, client, owner)
            result.reimported += 1
    logger.info("Reconciled after a restore since %s: %s", since.isoformat(), result)
    return result


def after_restore(since: datetime | None) -> None:
    """core/backups.py's after-restore hook: reconcile with a client on the shared budget."""
    with get_client() as client:
        orders_reconcile_after_restore(client=client, since=since)


def latest_activity() -> datetime:
    """The latest order activity in the database: the backup was taken after it."""
    latest = [
        Order.objects.aggregate(at=Max("created_at"))["at"],
        OrderEvent.objects.aggregate(at=Max("at"))["at"],
    ]
    return max((at for at in latest if at), default=timezone.now() - timedelta(days=1))


def _supplier_orders_since(
    client: CupSourceClient, since: datetime, result: Reconciled
) -> list[SupplierOrder]:
    """Cup Source's orders created since `since`, newest first. The list is read page by page;
    while it comes newest first (as the API lists them) it stops at the first older order."""
    found: list[SupplierOrder] = []
    previous, newest_first = None, True
    for page_number in range(1, MAX_PAGES + 1):
        page = client.list_orders(page=page_number, per_page=PER_PAGE, priority=Priority.BACKGROUND)
        result.requests += 1
        for remote in page.items:
            if previous is not None and remote.created_at > previous:
                newest_first = False
            previous = remote.created_at
            if remote.created_at >= since:
                found.append(remote)
        if not page.has_next or (newest_first and previous is not None and previous < since):
            break
    else:
        logger.warning("Stopped reading Cup Source's orders after %d pages", MAX_PAGES)
    found.sort(key=lambda remote: remote.created_at, reverse=True)
    return found


def _items(remote: SupplierOrder) -> list[tuple[str, int]]:
    return sorted((item.sku, item.qty) for item in remote.items)


def _unsent_match(remote: SupplierOrder) -> Order | None:
    if not remote.reference:
        return None
    address = remote.shipping_address.model_dump(exclude_none=True)
    for order in Order.objects.filter(reference=remote.reference, supplier_order_id=None).exclude(
        state=Order.State.ACCEPTED
    ):
        items = sorted((i["sku"], i["qty"]) for i in order.payload["items"])
        if items == _items(remote) and order.payload["shipping_address"] == address:
            return order
    return None


def _matching_cart(remote: SupplierOrder) -> Cart | None:
    wanted = Counter(_items(remote))
    matches = [
        cart
        for cart in Cart.objects.filter(status=Cart.Status.OPEN).prefetch_related("lines__product")
        if Counter((line.product.sku, line.qty) for line in cart.lines.all()) == wanted
    ]
    return matches[0] if len(matches) == 1 else None


def _default_owner():
    owner = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk")
    if not owner.exists():
        raise RuntimeError(
            "Cup Source has orders the backup missed and no open cart accounts for, but there "
            "is no superuser to own them (cupboard-manage createsuperuser)."
        )
    return owner.first()


def _reimport(remote: SupplierOrder, client: CupSourceClient, owner) -> Order:
    address_json = remote.shipping_address.model_dump(exclude_none=True)
    with transaction.atomic():
        cart = _matching_cart(remote)
        user = cart.user if cart else (owner or _default_owner())
        address = next((a for a in Address.objects.all() if a.as_api() == address_json), None)
        reference = remote.reference or remote.id
        order = Order.objects.create(
            placed_by=user,
            cart=cart,
            state=Order.State.ACCEPTED,
            reference=reference,
            po_number="" if reference.startswith("CB-") else reference[:64],
            address=address,
            payload={
                "items": [{"sku": sku, "qty": qty} for sku, qty in _items(remote)],
                "shipping_address": address_json,
                "currency": remote.currency,
                "reference": reference,
            },
            expected_subtotal=remote.subtotal,
            supplier_order_id=remote.id,
            supplier_status=remote.status,
            subtotal=remote.subtotal,
            shipping=remote.shipping,
            total=remote.total,
            currency=remote.currency,
            accepted_at=remote.created_at,
            attempts=1,
        )
        Order.objects.filter(pk=order.pk).update(created_at=remote.created_at)
        products = Product.objects.in_bulk([item.sku for item in remote.items], field_name="sku")
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                product=products.get(item.sku),
                sku=item.sku,
                name=products[item.sku].name if item.sku in products else item.sku,
                qty=item.qty,
                unit_price=item.unit_price,
                line_total=item.line_total,
            )
            for item in remote.items
        )
        if cart:
            cart.status = Cart.Status.CHECKED_OUT
            cart.save(update_fields=["status", "updated_at"])
        whose = "" if cart else " (its buyer is not known: it was not in anyone's cart)"
        record_event(
            order,
            f"Re-imported from Cup Source after a restore: placed there as {remote.id} after "
            f"the backup was taken{whose}.",
        )
    tracking_for(order, client_factory=lambda: nullcontext(client), priority=Priority.BACKGROUND)
    return order
