"""Every write of the local mirror: the catalog sync, and the checkout's fresh look-up.

The sync pages through the supplier's products. The fetched pages are staged in the database
(memory stays flat however large the catalog) and applied to the mirror in one transaction only
once every page has arrived, so a failed or interrupted sync leaves the previous mirror exactly
as it was.

The sync also rebuilds the search index (catalog_app/search.py) in the transaction that applies
the new mirror, so a search never sees half of one and half of the other. (The checkout's refresh
changes no words: a product it finds discontinued is left out by the search's own filter.)

Both writers change the mirror's version (catalog_app/mirror.py) when they change a row, so no
cached listing outlives what it shows.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import batched

from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from catalog_app.mirror import mirror_changed
from catalog_app.models import LidFit, Product, StagedProduct, SyncRun
from catalog_app.search import search_index_missing, search_index_rebuild
from cupsource.budget import Priority
from cupsource.client import CupSourceClient
from cupsource.errors import CupSourceError
from cupsource.models import Product as SupplierProduct

logger = logging.getLogger(__name__)

PER_PAGE = 100
APPLY_BATCH = 1000
LOCK_KEY = "catalog:sync:lock"
LOCK_TTL = 3 * 3600
MIRRORED_FIELDS = [
    "name",
    "category",
    "material",
    "capacity_oz",
    "unit_price",
    "currency",
    "case_pack",
    "min_order_qty",
    "stock",
    "lead_time_days",
    "description",
    "compatible_lids",
    "supplier_updated_at",
]

Progress = Callable[[int, int], None]  # (pages done, pages expected)


class SyncAlreadyRunning(Exception):
    pass


def catalog_sync(
    *,
    client: CupSourceClient,
    trigger: str,
    user=None,
    progress: Progress | None = None,
) -> SyncRun:
    """Mirror the supplier catalog; return the recorded run (status succeeded or failed)."""
    lock = caches["shared"]
    if not lock.add(LOCK_KEY, "1", LOCK_TTL):
        raise SyncAlreadyRunning("A catalog sync is already running.")
    try:
        _fail_abandoned_runs()
        run = SyncRun.objects.create(trigger=trigger, triggered_by=user)
        try:
            for _ in _stage_pages(run, client=client, progress=progress):
                pass
            _apply(run)
        except Exception as exc:
            logger.exception("Catalog sync #%s failed", run.pk)
            StagedProduct.objects.filter(run=run).delete()
            run.status = SyncRun.Status.FAILED
            run.error = str(exc) or exc.__class__.__name__
            run.finished_at = timezone.now()
            run.save()
            if not isinstance(exc, CupSourceError):
                raise
        return run
    finally:
        lock.delete(LOCK_KEY)


def _fail_abandoned_runs() -> None:
    """A run still 'running' while nobody holds the lock was interrupted (process killed)."""
    abandoned = SyncRun.objects.filter(status=SyncRun.Status.RUNNING)
    StagedProduct.objects.filter(run__in=abandoned).delete()
    abandoned.update(
        status=SyncRun.Status.FAILED,
        error="Interrupted before it finished.",
        finished_at=timezone.now(),
    )


def _stage_pages(
    run: SyncRun, *, client: CupSourceClient, progress: Progress | None
) -> Iterator[int]:
    page_number = 1
    while True:
        page = client.list_products(
            page=page_number, per_page=PER_PAGE, priority=Priority.BACKGROUND
        )
        if not page.items:
            break
        StagedProduct.objects.bulk_create(
            StagedProduct(run=run, sku=p.sku, data=p.model_dump(mode="json")) for p in page.items
        )
        run.pages = page_number
        run.products_seen += len(page.items)
        run.save(update_fields=["pages", "products_seen"])
        expected_pages = max(1, -(-page.meta.total // page.meta.per_page))
        if progress:
            progress(page_number, expected_pages)
        yield page_number
        if page_number >= expected_pages:
            break
        page_number += 1


def _product_fields(data: dict) -> dict:
    return {
        "name": data["name"],
        "category": data["category"],
        "material": data["material"],
        "capacity_oz": data["capacity_oz"],
        "unit_price": Decimal(data["unit_price"]),
        "currency": data["currency"],
        "case_pack": data["case_pack"],
        "min_order_qty": data["min_order_qty"],
        "stock": data["stock"],
        "lead_time_days": data["lead_time_days"],
        "description": data["description"] or "",
        "compatible_lids": list(data["compatible_lids"]),
        "supplier_updated_at": parse_datetime(data["updated_at"]),
    }


def _apply(run: SyncRun) -> None:
    now = timezone.now()
    created = updated = 0
    with transaction.atomic():
        staged = StagedProduct.objects.filter(run=run).order_by("sku").values_list("sku", "data")
        for batch in batched(staged.iterator(chunk_size=APPLY_BATCH), APPLY_BATCH):
            c, u = _apply_batch(batch, now=now)
            created += c
            updated += u
        seen = StagedProduct.objects.filter(run=run).values("sku")
        discontinued = (
            Product.objects.filter(discontinued=False)
            .exclude(sku__in=seen)
            .update(discontinued=True, discontinued_at=now)
        )
        StagedProduct.objects.filter(run=run).delete()
        run.created, run.updated, run.discontinued = created, updated, discontinued
        run.status = SyncRun.Status.SUCCEEDED
        run.finished_at = timezone.now()
        run.save()
        if created or updated or discontinued or search_index_missing():
            search_index_rebuild()  # in this transaction: readers see the old index or the new
            _analyze()
            mirror_changed()


def _analyze() -> None:
    """Fresh statistics for the query planner after a change, so a filtered, sorted page is read
    through the right index (SQLite has none until ANALYZE runs)."""
    with connection.cursor() as cursor:
        for table in ("catalog_app_product", "catalog_app_searchdocument"):
            cursor.execute(f"ANALYZE {table}")


def _apply_batch(batch: Iterable[tuple[str, dict]], *, now) -> tuple[int, int]:
    batch = list(batch)
    existing = {p.sku: p for p in Product.objects.filter(sku__in=[sku for sku, _ in batch])}
    to_create, to_update, lids_changed = [], [], []
    for sku, data in batch:
        fields = _product_fields(data)
        product = existing.get(sku)
        if product is None:
            to_create.append(Product(sku=sku, **fields))
            continue
        changed = [name for name, value in fields.items() if getattr(product, name) != value]
        if not changed and not product.discontinued:
            continue
        if "compatible_lids" in changed:
            lids_changed.append(product)
        for name in changed:
            setattr(product, name, fields[name])
        product.discontinued, product.discontinued_at = False, None
        to_update.append(product)
    Product.objects.bulk_create(to_create)
    Product.objects.bulk_update(to_update, [*MIRRORED_FIELDS, "discontinued", "discontinued_at"])
    LidFit.objects.filter(product__in=lids_changed).delete()
    created = Product.objects.filter(sku__in=[p.sku for p in to_create])
    LidFit.objects.bulk_create(
        LidFit(product=product, lid_sku=lid)
        for product in [*created, *lids_changed]
        for lid in product.compatible_lids
    )
    return len(to_create), len(to_update)


def products_refresh(*, products: Iterable[Product], fresh: dict[str, SupplierProduct]) -> None:
    """Bring mirrored products up to date from a fresh look-up (the checkout's re-check):
    price and stock from `fresh` (by SKU); a product missing from it is no longer offered."""
    now, changed = timezone.now(), []
    for product in products:
        was = (product.unit_price, product.stock, product.discontinued)
        current = fresh.get(product.sku)
        if current is None:
            if not product.discontinued:
                product.discontinued, product.discontinued_at = True, now
        else:
            product.unit_price, product.stock = current.unit_price, current.stock
        if (product.unit_price, product.stock, product.discontinued) != was:
            changed.append(product)
    if changed:
        Product.objects.bulk_update(
            changed, ["unit_price", "stock", "discontinued", "discontinued_at"]
        )
        mirror_changed()


def last_successful_sync() -> SyncRun | None:
    return SyncRun.objects.filter(status=SyncRun.Status.SUCCEEDED).order_by("-finished_at").first()
