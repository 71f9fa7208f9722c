"""Query parameters of GET /products and the auto-paging iterator."""

import httpx
import pytest

from cupsource import AuthenticationError


def products(start: int, count: int, product: dict) -> list[dict]:
    return [{**product, "sku": f"CS-{n:04d}"} for n in range(start, start + count)]


def test_it_sends_only_the_filters_that_are_set(make_client, ok):
    client, script = make_client(ok([], {"page": 1, "per_page": 20, "total": 0}))

    client.list_products(category="cups", capacity=8)

    assert dict(script.requests[0].url.params) == {"category": "cups", "capacity": "8", "page": "1"}


def test_it_builds_one_comma_separated_sku_parameter(make_client, ok):
    client, script = make_client(ok([], {"page": 1, "per_page": 20, "total": 0}))

    client.list_products(skus=(s for s in ["CS-8OZ-ECO", "CS-12OZ-ECO", "CS-DOME-LID"]))

    params = script.requests[0].url.params
    assert params.get_list("sku") == ["CS-8OZ-ECO,CS-12OZ-ECO,CS-DOME-LID"]


def test_a_single_sku_string_is_one_sku_not_its_letters(make_client, ok):
    client, script = make_client(ok([], {"page": 1, "per_page": 20, "total": 0}))

    client.list_products(skus="CS-8OZ-ECO")

    assert script.requests[0].url.params["sku"] == "CS-8OZ-ECO"


def test_no_skus_means_no_products_without_a_request(make_client):
    client, script = make_client()

    page = client.list_products(skus=[])

    assert page.items == []
    assert page.meta.total == 0
    assert script.requests == []


def test_it_sends_the_auth_accept_and_user_agent_headers(make_client, ok, product, api_key):
    client, script = make_client(ok(product))

    client.get_product("CS-8OZ-ECO")

    headers = script.requests[0].headers
    assert headers["Authorization"] == f"Bearer {api_key}"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith("cupsource-python/")


def test_it_percent_encodes_path_segments(make_client, ok, product):
    client, script = make_client(ok(product))

    client.get_product("A/B C")

    assert script.requests[0].url.raw_path == b"/v1/products/A%2FB%20C"


def test_iter_products_walks_three_pages_with_exactly_three_requests(make_client, ok, product):
    client, script = make_client(
        ok(products(0, 100, product), {"page": 1, "per_page": 100, "total": 250}),
        ok(products(100, 100, product), {"page": 2, "per_page": 100, "total": 250}),
        ok(products(200, 50, product), {"page": 3, "per_page": 100, "total": 250}),
    )

    skus = [p.sku for p in client.iter_products(category="cups")]

    assert skus == [f"CS-{n:04d}" for n in range(250)]
    assert [r.url.params["page"] for r in script.requests] == ["1", "2", "3"]
    assert {r.url.params["per_page"] for r in script.requests} == {"100"}
    assert {r.url.params["category"] for r in script.requests} == {"cups"}


def test_iter_products_stops_when_the_last_page_is_exactly_full(make_client, ok, product):
    client, script = make_client(
        ok(products(0, 100, product), {"page": 1, "per_page": 100, "total": 200}),
        ok(products(100, 100, product), {"page": 2, "per_page": 100, "total": 200}),
    )

    assert len(list(client.iter_products())) == 200
    assert len(script.requests) == 2  # page*per_page >= total: no third request


def test_iter_products_stops_when_a_server_repeats_its_first_page(make_client, ok, product):
    """A server that ignores ``page`` and answers page 1 again cannot keep the loop going:
    it stops once ``meta.total`` items have come."""
    first = ok(products(0, 100, product), {"page": 1, "per_page": 100, "total": 150})
    client, script = make_client(first, first, first, first)

    assert len(list(client.iter_products())) == 200
    assert len(script.requests) == 2


def test_iter_products_stops_at_an_empty_page(make_client, ok, product):
    client, script = make_client(
        ok(products(0, 100, product), {"page": 1, "per_page": 100, "total": 999}),
        ok([], {"page": 2, "per_page": 100, "total": 999}),
    )

    assert len(list(client.iter_products())) == 100
    assert len(script.requests) == 2


def test_iter_products_is_lazy(make_client, ok, product):
    client, script = make_client(
        ok(products(0, 100, product), {"page": 1, "per_page": 100, "total": 250}),
        ok(products(100, 100, product), {"page": 2, "per_page": 100, "total": 250}),
    )

    iterator = client.iter_products()
    assert script.requests == []
    for _ in range(100):
        next(iterator)
    assert len(script.requests) == 1
    next(iterator)
    assert len(script.requests) == 2


def test_iter_products_raises_the_error_of_a_failing_page(make_client, ok, fail, product):
    client, _ = make_client(
        ok(products(0, 100, product), {"page": 1, "per_page": 100, "total": 250}),
        fail(401, "unauthorized"),
    )
    seen = []

    with pytest.raises(AuthenticationError):
        for item in client.iter_products():
            seen.append(item)

    assert len(seen) == 100


def test_the_client_closes_its_connection_pool_on_exit(make_client):
    client, script = make_client()

    with client:
        pass

    with pytest.raises(RuntimeError, match="closed"):
        client.list_products()
    assert script.requests == []


def test_base_url_keeps_its_path_prefix(make_client, ok):
    client, script = make_client(ok([], {"page": 1, "per_page": 20, "total": 0}))

    client.list_orders()

    assert script.requests[0].url == httpx.URL("http://cupsource.test/v1/orders?page=1")
