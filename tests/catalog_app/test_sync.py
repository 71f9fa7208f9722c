import json

import httpx
import pytest
from django.core.cache import caches

from catalog_app.mirror import mirror_version
from catalog_app.models import LidFit, Product, StagedProduct, SyncRun
from catalog_app.services import LOCK_KEY, SyncAlreadyRunning, catalog_sync
from cupsource.budget import SlidingWindowBudget
from cupsource.client import CupSourceClient


def product(sku, **fields):
    data = {
        "sku": sku,
        "name": f"Product {sku}",
        "category": "cups",
        "material": "paper",
        "capacity_oz": 8,
        "unit_price": "0.0480",
        "currency": "USD",
        "case_pack": 1000,
        "min_order_qty": 1000,
        "stock": 50_000,
        "lead_time_days": 3,
        "description": "A cup.",
        "compatible_lids": [],
        "updated_at": "2026-11-01T12:00:00Z",
    }
    data.update(fields)
    return data


class FakeCatalogAPI:
    """Serves GET /products pages from a list, like the real API; can fail a given page."""

    def __init__(self, products):
        self.products = products
        self.requests = []
        self.fail_page = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        page = int(request.url.params.get("page", 1))
        per_page = int(request.url.params.get("per_page", 20))
        if page == self.fail_page:
            body = {
                "success": False,
                "error": {"code": "server_error", "message": "boom", "details": {}},
            }
            return httpx.Response(500, json=body)
        items = sorted(self.products, key=lambda p: p["sku"])[
            (page - 1) * per_page : page * per_page
        ]
        meta = {"page": page, "per_page": per_page, "total": len(self.products)}
        return httpx.Response(
            200, content=json.dumps({"success": True, "data": items, "meta": meta})
        )

    def client(self, **options):
        options.setdefault("max_retries", 0)
        return CupSourceClient(
            "http://api.test/v1", "key", transport=httpx.MockTransport(self), **options
        )


def sync(api, **options):
    with api.client(**options) as client:
        return catalog_sync(client=client, trigger="command")


@pytest.fixture
def api():
    cups = [product(f"CS-C{i:03d}", compatible_lids=["CS-LID-1"]) for i in range(250)]
    lid = product("CS-LID-1", category="lids", capacity_oz=None, unit_price="0.0300")
    return FakeCatalogAPI([*cups, lid])


def test_it_creates_the_mirror_page_by_page(db, api):
    run = sync(api)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.pages, run.created, run.updated, run.discontinued) == (3, 251, 0, 0)
    assert Product.objects.count() == 251
    assert [r.url.params["per_page"] for r in api.requests] == ["100", "100", "100"]
    cup = Product.objects.get(sku="CS-C007")
    assert str(cup.unit_price) == "0.0480"
    assert cup.compatible_lids == ["CS-LID-1"]
    assert LidFit.objects.filter(lid_sku="CS-LID-1").count() == 250
    assert not StagedProduct.objects.exists()


def test_a_second_run_with_nothing_new_changes_nothing(db, api):
    sync(api)
    version = mirror_version()
    run = sync(api)
    assert (run.created, run.updated, run.discontinued) == (0, 0, 0)
    assert Product.objects.count() == 251
    assert mirror_version() == version  # every rendered catalog listing stays valid


def test_a_run_that_changes_a_product_changes_the_mirror_version(db, api):
    sync(api)
    version = mirror_version()
    api.products[0] = product("CS-C000", stock=7)
    sync(api)
    assert mirror_version() != version


def test_it_updates_changed_products_and_discontinues_vanished_ones(db, api):
    sync(api)
    api.products[0] = product("CS-C000", stock=7, unit_price="0.0500", compatible_lids=[])
    del api.products[1]  # CS-C001 vanishes upstream
    api.products.append(product("CS-NEW"))
    run = sync(api)
    assert (run.created, run.updated, run.discontinued) == (1, 1, 1)
    changed = Product.objects.get(sku="CS-C000")
    assert (changed.stock, str(changed.unit_price)) == (7, "0.0500")
    assert not LidFit.objects.filter(product=changed).exists()
    gone = Product.objects.get(sku="CS-C001")  # kept, never deleted: carts and orders point at it
    assert gone.discontinued and gone.discontinued_at is not None


def test_a_product_that_comes_back_is_available_again(db, api):
    sync(api)
    removed = api.products.pop(1)
    sync(api)
    api.products.append(removed)
    run = sync(api)
    assert run.updated == 1
    assert not Product.objects.get(sku="CS-C001").discontinued


def search_finds(text):
    from catalog_app.search import RANKED, parse, search, vocabulary

    query = parse(text, vocabulary())
    return list(
        search(Product.objects.available(), query).order_by(*RANKED).values_list("sku", flat=True)
    )


def test_it_builds_the_search_index_with_the_mirror(db, api):
    api.products.append(
        product("CS-BWL-12", name="12 oz Kraft Soup Bowl", category="bowls", capacity_oz=12)
    )
    sync(api)
    assert search_finds("kraft bowls") == ["CS-BWL-12"]
    assert "CS-LID-1" in search_finds("lid 8")  # a lid is found by the cups it fits
    api.products[-1] = product("CS-BWL-12", name="12 oz Ripple Soup Bowl", category="bowls")
    del api.products[0]  # CS-C000 vanishes upstream: no longer found
    sync(api)
    assert search_finds("kraft bowl") == []
    assert search_finds("rippel") == ["CS-BWL-12"]
    assert "CS-C000" not in search_finds("cs-c00")


def test_a_failed_sync_leaves_the_search_index_as_it_was(db, api):
    sync(api)
    api.products = [product(p["sku"], name="Renamed") for p in api.products]
    api.fail_page = 3
    sync(api)
    assert search_finds("renamed") == []
    assert len(search_finds("product")) == 251


def test_a_failure_mid_way_leaves_the_previous_mirror_intact(db, api):
    sync(api)
    before = list(Product.objects.order_by("sku").values_list("sku", "stock", "discontinued"))
    api.products = [product(p["sku"], stock=1) for p in api.products[:120]]  # big change...
    api.fail_page = 2  # ...but page 2 fails
    run = sync(api)
    assert run.status == SyncRun.Status.FAILED
    assert "boom" in run.error
    assert (
        list(Product.objects.order_by("sku").values_list("sku", "stock", "discontinued")) == before
    )
    assert not StagedProduct.objects.exists()


def test_an_interrupted_run_is_marked_failed_by_the_next(db, api):
    abandoned = SyncRun.objects.create(trigger="schedule")
    StagedProduct.objects.create(run=abandoned, sku="X", data={})
    sync(api)
    abandoned.refresh_from_db()
    assert abandoned.status == SyncRun.Status.FAILED
    assert not StagedProduct.objects.filter(run=abandoned).exists()


def test_only_one_sync_runs_at_a_time(db, api):
    caches["shared"].add(LOCK_KEY, "1", 60)
    try:
        with pytest.raises(SyncAlreadyRunning):
            sync(api)
    finally:
        caches["shared"].delete(LOCK_KEY)
    assert api.requests == []


def test_it_waits_for_the_budget_at_background_priority(db, api):
    """With 5 requests a minute and 2 kept for interactive use, 3 pages take one minute."""
    now = [1_000_000.0]
    budget = SlidingWindowBudget(
        limit=5, interactive_reserve=3, clock=lambda: now[0], safety_margin=0
    )
    sent_at = []

    def sleep(seconds):
        now[0] += seconds

    def record(request):
        sent_at.append(now[0])
        return api(request)

    with CupSourceClient(
        "http://api.test/v1",
        "key",
        transport=httpx.MockTransport(record),
        budget=budget,
        sleep=sleep,
        max_retries=0,
    ) as client:
        run = catalog_sync(client=client, trigger="command")
    assert run.status == SyncRun.Status.SUCCEEDED
    # Background work may use only limit - reserve = 2 slots per minute.
    assert len(sent_at) == 3
    assert sent_at[2] - sent_at[0] >= 60
