"""Contract tests: the real CupSourceClient against the sandbox over real HTTP (no mocks).

Each test talks to the `sandbox` fixture (a seeded Cup Source API v1 on 127.0.0.1) and checks
what the client returns or raises against the contract (/work/shared/api/cupsource-v1.md) and
against the sandbox's own rows.
"""

import asyncio
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import httpx
import pytest

from cupsource import (
    OUTCOME_REJECTED,
    AsyncCupSourceClient,
    AuthenticationError,
    BadRequestError,
    BillingUnverifiedError,
    ConflictError,
    CupSourceClient,
    NotFoundError,
    Order,
    PermissionDeniedError,
    Product,
    RateLimitError,
)

PORTAL_ITEMS = [{"sku": "CS-8OZ-ECO", "qty": 5000}, {"sku": "CS-DOME-LID", "qty": 5000}]
PORTAL_ADDRESS = {"line1": "123 Commerce Way", "city": "Portland", "state": "OR", "zip": "97201"}


class CountingTransport(httpx.HTTPTransport):
    """A real HTTP transport that also remembers every request it sent."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return super().handle_request(request)


@pytest.fixture
def connect(sandbox) -> Iterator:
    """`connect(key=None, **options)`: a CupSourceClient for the sandbox (closed afterwards)."""
    clients = []

    def make(key: str | None = None, **options) -> CupSourceClient:
        client = CupSourceClient(sandbox.url, key or sandbox.api_key, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def api(connect) -> CupSourceClient:
    return connect(max_retries=0)


def sandbox_products(**filters) -> list:
    from sandbox.models import Product as SandboxProduct

    return list(SandboxProduct.objects.filter(**filters).order_by("sku"))


def sandbox_order_count() -> int:
    from sandbox.models import Order as SandboxOrder

    return SandboxOrder.objects.count()


def place_portal_order(client: CupSourceClient, key: str = "idem-portal", **extra) -> Order:
    return client.create_order(
        items=PORTAL_ITEMS,
        shipping_address=PORTAL_ADDRESS,
        currency="USD",
        idempotency_key=key,
        **extra,
    )


# --- products --------------------------------------------------------------------------------


def test_list_products_returns_the_first_page_with_the_contract_meta(api):
    page = api.list_products()

    assert (page.meta.page, page.meta.per_page, page.meta.total) == (1, 20, 120)
    assert [p.sku for p in page.items] == [p.sku for p in sandbox_products()[:20]]
    assert all(isinstance(p, Product) for p in page.items)


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("category", "lids", "category"),
        ("material", "bioplastic", "material"),
        ("capacity", 12, "capacity_oz"),
    ],
)
def test_list_products_filters_like_the_sandbox(api, option, value, field):
    expected = sandbox_products(**{field: value})

    page = api.list_products(**{option: value}, per_page=100)

    assert expected  # the seeded catalog has some: the filter is not trivially empty
    assert page.meta.total == len(expected) < 120
    assert [p.sku for p in page.items] == [p.sku for p in expected]
    assert {getattr(p, field) for p in page.items} == {value}


def test_list_products_combines_filters(api):
    expected = sandbox_products(category="cups", material="paper", capacity_oz=8)

    page = api.list_products(category="cups", material="paper", capacity=8)

    assert [p.sku for p in page.items] == [p.sku for p in expected]
    assert "CS-8OZ-ECO" in {p.sku for p in page.items}


def test_list_products_with_skus_looks_several_up_at_once_in_sku_order(api):
    page = api.list_products(skus=["CS-DOME-LID", "CS-8OZ-ECO"])

    assert [p.sku for p in page.items] == ["CS-8OZ-ECO", "CS-DOME-LID"]
    assert page.meta.total == 2


def test_a_page_past_the_end_is_empty(api):
    page = api.list_products(page=99, per_page=50)

    assert page.items == []
    assert page.meta.total == 120
    assert not page.has_next


def test_an_unknown_filter_value_is_a_bad_request_naming_the_field(api):
    with pytest.raises(BadRequestError) as caught:
        api.list_products(category="plates")

    assert caught.value.status == 400
    assert "category" in caught.value.details


def test_iter_products_pages_through_every_product_once_in_sku_order(sandbox):
    transport = CountingTransport()
    with CupSourceClient(sandbox.url, sandbox.api_key, transport=transport) as client:
        skus = [p.sku for p in client.iter_products(per_page=50)]

    assert skus == [p.sku for p in sandbox_products()]
    assert len(skus) == len(set(skus)) == 120
    pages = [request.url.params["page"] for request in transport.requests]
    assert pages == ["1", "2", "3"]
    assert {request.url.params["per_page"] for request in transport.requests} == {"50"}


def test_iter_products_keeps_the_filters_on_every_page(sandbox):
    transport = CountingTransport()
    with CupSourceClient(sandbox.url, sandbox.api_key, transport=transport) as client:
        skus = [p.sku for p in client.iter_products(category="cups", per_page=10)]

    assert skus == [p.sku for p in sandbox_products(category="cups")]
    assert len(transport.requests) >= 3
    assert {request.url.params["category"] for request in transport.requests} == {"cups"}


def test_get_product_returns_the_sandbox_row_with_exact_decimal_prices(api, sandbox):
    row = sandbox.product("CS-8OZ-ECO")

    product = api.get_product("CS-8OZ-ECO")

    assert product.unit_price == Decimal("0.0480") == row.unit_price
    assert isinstance(product.unit_price, Decimal)
    assert (product.name, product.category, product.material) == (
        row.name,
        row.category,
        row.material,
    )
    assert (product.capacity_oz, product.case_pack, product.min_order_qty, product.stock) == (
        row.capacity_oz,
        row.case_pack,
        row.min_order_qty,
        row.stock,
    )
    assert product.compatible_lids == row.compatible_lids
    assert "CS-DOME-LID" in product.compatible_lids
    assert isinstance(product.updated_at, datetime)
    assert product.updated_at.tzinfo is not None


def test_a_lid_has_no_capacity_and_no_compatible_lids(api):
    lid = api.get_product("CS-DOME-LID")

    assert lid.category == "lids"
    assert lid.capacity_oz is None
    assert lid.compatible_lids == []


def test_an_unknown_sku_is_not_found(api):
    with pytest.raises(NotFoundError) as caught:
        api.get_product("CS-NO-SUCH-CUP")

    assert caught.value.status == 404
    assert caught.value.code == "not_found"
    assert caught.value.request_id.startswith("req_")


# --- orders ----------------------------------------------------------------------------------


def test_the_portal_example_order_comes_back_as_a_typed_order_with_decimal_money(
    api, sandbox, sandbox_clock
):
    order = place_portal_order(api)

    assert order.id.startswith("ord_")
    assert order.status == "received"
    assert [(line.sku, line.qty, line.unit_price, line.line_total) for line in order.items] == [
        ("CS-8OZ-ECO", 5000, Decimal("0.0480"), Decimal("240.00")),
        ("CS-DOME-LID", 5000, Decimal("0.0320"), Decimal("160.00")),
    ]
    assert (order.subtotal, order.shipping, order.total) == (
        Decimal("400.00"),
        Decimal("25.00"),
        Decimal("425.00"),
    )
    assert all(isinstance(v, Decimal) for v in (order.subtotal, order.shipping, order.total))
    assert order.currency == "USD"
    assert order.shipping_address.city == "Portland"
    assert order.created_at == sandbox_clock.now()
    assert sandbox_order_count() == 1


def test_an_accepted_order_takes_its_units_out_of_the_stock_the_client_sees(api):
    before = api.get_product("CS-8OZ-ECO").stock

    place_portal_order(api)

    assert api.get_product("CS-8OZ-ECO").stock == before - 5000


def test_get_order_returns_the_order_as_created(api, sandbox_clock):
    order = place_portal_order(api, reference="PO-1001")

    assert api.get_order(order.id) == order


def test_list_orders_by_reference_finds_only_that_order(api, sandbox_clock):
    wanted = place_portal_order(api, key="idem-1", reference="PO-1001")
    place_portal_order(api, key="idem-2", reference="PO-1002")
    place_portal_order(api, key="idem-3")

    found = api.list_orders(reference="PO-1001")
    everything = api.list_orders()

    assert [o.id for o in found.items] == [wanted.id]
    assert found.items[0].reference == "PO-1001"
    assert found.meta.total == 1
    assert everything.meta.total == 3


def test_get_tracking_of_a_new_order_is_pending_without_a_carrier(api, sandbox_clock):
    order = place_portal_order(api)

    tracking = api.get_tracking(order.id)

    assert tracking.order_id == order.id
    assert tracking.status == "pending"
    assert (tracking.carrier, tracking.tracking_number) == (None, None)
    assert tracking.signature_required is False
    assert [event.status for event in tracking.events] == ["pending"]


def test_it_replays_an_order_sent_twice_with_one_key(api):
    first = place_portal_order(api, key="idem-twice")
    second = place_portal_order(api, key="idem-twice")

    assert second.id == first.id
    assert sandbox_order_count() == 1


def test_the_same_key_with_another_body_is_a_conflict_and_places_nothing(api):
    place_portal_order(api, key="idem-conflict")

    with pytest.raises(ConflictError) as caught:
        api.create_order(
            items=[{"sku": "CS-8OZ-ECO", "qty": 6000}],
            shipping_address=PORTAL_ADDRESS,
            idempotency_key="idem-conflict",
        )

    assert caught.value.status == 409
    assert caught.value.code == "idempotency_conflict"
    assert caught.value.outcome == OUTCOME_REJECTED
    assert sandbox_order_count() == 1


def test_an_order_off_the_case_pack_with_a_bad_zip_reports_both_fields(api, sandbox):
    cup = sandbox.product("CS-8OZ-ECO")
    qty = cup.min_order_qty + cup.case_pack // 2  # above the minimum, but not whole cases

    with pytest.raises(BadRequestError) as caught:
        api.create_order(
            items=[{"sku": "CS-8OZ-ECO", "qty": qty}],
            shipping_address={**PORTAL_ADDRESS, "zip": "9720"},
            idempotency_key="idem-bad",
        )

    error = caught.value
    assert error.status == 400
    assert error.outcome == OUTCOME_REJECTED
    assert set(error.details) == {"items[0].qty", "shipping_address.zip"}
    assert "case pack" in error.details["items[0].qty"][0]
    assert "ZIP" in error.details["shipping_address.zip"][0]
    assert sandbox_order_count() == 0
    assert sandbox.product("CS-8OZ-ECO").stock == cup.stock


def test_an_order_for_an_unknown_sku_is_refused_with_its_code(api):
    with pytest.raises(BadRequestError) as caught:
        api.create_order(
            items=[{"sku": "CS-NOPE", "qty": 1000}],
            shipping_address=PORTAL_ADDRESS,
            idempotency_key="idem-unknown",
        )

    assert caught.value.code == "unknown_sku"
    assert list(caught.value.details) == ["items[0].sku"]


def test_another_accounts_order_is_not_found(api, connect, sandbox):
    other_key = sandbox.create_key(account="Other Cafe")
    theirs = place_portal_order(connect(other_key, max_retries=0), key="idem-other")

    with pytest.raises(NotFoundError):
        api.get_order(theirs.id)
    with pytest.raises(NotFoundError):
        api.get_tracking(theirs.id)
    assert api.list_orders().meta.total == 0


# --- authentication and permissions -----------------------------------------------------------


def test_an_unknown_key_is_unauthorized_and_never_echoed(connect):
    key = "cs_test_this_key_does_not_exist_0000"

    with pytest.raises(AuthenticationError) as caught:
        connect(key, max_retries=0).list_products()

    assert caught.value.status == 401
    assert caught.value.code == "unauthorized"
    assert key not in str(caught.value)
    assert key not in repr(caught.value)


def test_a_revoked_key_is_unauthorized(connect, sandbox):
    key = sandbox.create_key()
    client = connect(key, max_retries=0)
    client.get_product("CS-8OZ-ECO")

    sandbox.revoke(key)

    with pytest.raises(AuthenticationError) as caught:
        client.get_product("CS-8OZ-ECO")
    assert "revoked" in caught.value.message


def test_a_key_is_unauthorized_once_it_expires(connect, sandbox, sandbox_clock):
    key = sandbox.create_key(expires_in=60)
    client = connect(key, max_retries=0)
    client.get_product("CS-8OZ-ECO")

    sandbox_clock.advance(seconds=61)

    with pytest.raises(AuthenticationError) as caught:
        client.get_product("CS-8OZ-ECO")
    assert "expired" in caught.value.message


def test_a_read_only_key_may_read_but_not_order(connect, sandbox):
    client = connect(sandbox.create_key(read_only=True), max_retries=0)
    assert client.get_product("CS-8OZ-ECO").sku == "CS-8OZ-ECO"

    with pytest.raises(PermissionDeniedError) as caught:
        place_portal_order(client)

    error = caught.value
    assert not isinstance(error, BillingUnverifiedError)
    assert (error.status, error.code, error.outcome) == (403, "forbidden", OUTCOME_REJECTED)
    assert sandbox_order_count() == 0


def test_an_account_without_verified_billing_cannot_order(connect, sandbox):
    client = connect(sandbox.create_key(account="New Cafe", verified=False), max_retries=0)

    with pytest.raises(BillingUnverifiedError) as caught:
        place_portal_order(client)

    error = caught.value
    assert (error.status, error.code, error.outcome) == (403, "billing_unverified", "rejected")
    assert sandbox_order_count() == 0


# --- rate limit ------------------------------------------------------------------------------


def test_the_request_over_the_limit_raises_rate_limit_error_with_retry_after(
    connect, settings, sandbox_clock
):
    settings.SANDBOX_RATE_LIMIT = 3
    client = connect(max_retries=0)
    for _ in range(3):
        client.get_product("CS-8OZ-ECO")

    with pytest.raises(RateLimitError) as caught:
        client.get_product("CS-8OZ-ECO")

    error = caught.value
    assert (error.status, error.code) == (429, "rate_limited")
    assert error.retry_after >= 1
    assert error.retry_after == 60  # the clock is frozen: the oldest request frees in 60 s


def test_the_client_waits_as_long_as_retry_after_says_then_succeeds(
    connect, settings, sandbox_clock
):
    settings.SANDBOX_RATE_LIMIT = 3
    delays = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        sandbox_clock.advance(seconds=seconds)  # the sandbox sees the time pass

    client = connect(max_retries=2, sleep=sleep)
    for _ in range(3):
        client.get_product("CS-8OZ-ECO")

    assert client.get_product("CS-8OZ-ECO").sku == "CS-8OZ-ECO"
    assert delays == [60.0]


def test_an_order_over_the_limit_is_retried_with_its_key_and_placed_once(
    connect, settings, sandbox_clock
):
    settings.SANDBOX_RATE_LIMIT = 1
    delays = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        sandbox_clock.advance(seconds=seconds)

    client = connect(max_retries=1, sleep=sleep)
    client.get_product("CS-8OZ-ECO")

    order = place_portal_order(client, key="idem-limited")

    assert delays == [60.0]
    assert sandbox_order_count() == 1
    assert client.get_order(order.id).id == order.id


# --- the async client ------------------------------------------------------------------------


def test_the_async_client_reads_a_product_and_places_an_order(sandbox, sandbox_clock):
    async def scenario() -> tuple[Product, Order, Order]:
        async with AsyncCupSourceClient(sandbox.url, sandbox.api_key, max_retries=0) as client:
            product = await client.get_product("CS-DOME-LID")
            order = await client.create_order(
                items=PORTAL_ITEMS,
                shipping_address=PORTAL_ADDRESS,
                idempotency_key="idem-async",
                reference="PO-ASYNC",
            )
            replayed = await client.create_order(
                items=PORTAL_ITEMS,
                shipping_address=PORTAL_ADDRESS,
                idempotency_key="idem-async",
                reference="PO-ASYNC",
            )
            return product, order, replayed

    product, order, replayed = asyncio.run(scenario())

    assert product.sku == "CS-DOME-LID"
    assert product.unit_price == Decimal("0.0320")
    assert order.total == Decimal("425.00")
    assert order.reference == "PO-ASYNC"
    assert replayed.id == order.id
    assert sandbox_order_count() == 1


def test_the_async_client_raises_the_same_errors(sandbox):
    async def scenario() -> None:
        async with AsyncCupSourceClient(sandbox.url, sandbox.api_key, max_retries=0) as client:
            await client.get_product("CS-NO-SUCH-CUP")

    with pytest.raises(NotFoundError):
        asyncio.run(scenario())
