"""The per-key rate limit: a sliding 60-second window counted in the database."""

import pytest


@pytest.fixture
def limit_of_3(settings):
    settings.SANDBOX_RATE_LIMIT = 3


def _rate_headers(response) -> tuple[str, str, str]:
    return (
        response["X-RateLimit-Limit"],
        response["X-RateLimit-Remaining"],
        response["X-RateLimit-Reset"],
    )


def test_the_request_over_the_limit_is_429_with_retry_after(sandbox_api, limit_of_3, sandbox_clock):
    for _ in range(3):
        assert sandbox_api.client.get("/v1/products").status_code == 200
    sandbox_clock.advance(seconds=20)

    response = sandbox_api.client.get("/v1/products")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert response["Retry-After"] == "40"
    assert _rate_headers(response) == ("3", "0", "40")


def test_remaining_counts_down_and_reset_tracks_the_oldest_request(
    sandbox_api, limit_of_3, sandbox_clock
):
    first = sandbox_api.client.get("/v1/products")
    sandbox_clock.advance(seconds=15)
    second = sandbox_api.client.get("/v1/products")

    assert _rate_headers(first) == ("3", "2", "60")
    assert _rate_headers(second) == ("3", "1", "45")


def test_the_window_slides(sandbox_api, limit_of_3, sandbox_clock):
    for _ in range(3):
        sandbox_api.client.get("/v1/products")
        sandbox_clock.advance(seconds=10)
    assert sandbox_api.client.get("/v1/products").status_code == 429

    sandbox_clock.advance(seconds=30)  # the first request is now 60 s old

    response = sandbox_api.client.get("/v1/products")
    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "0"
    assert sandbox_api.client.get("/v1/products").status_code == 429


def test_refused_requests_do_not_count(sandbox_api, limit_of_3, sandbox_clock):
    for _ in range(3):
        sandbox_api.client.get("/v1/products")
    for _ in range(5):
        assert sandbox_api.client.get("/v1/products").status_code == 429

    sandbox_clock.advance(seconds=60)

    assert sandbox_api.client.get("/v1/products").status_code == 200


def test_requests_with_a_bad_key_do_not_count(sandbox_api, limit_of_3):
    stranger = sandbox_api.client_for("cs_test_unknown_key_000000000000000")
    for _ in range(5):
        assert stranger.get("/v1/products").status_code == 401

    assert sandbox_api.client.get("/v1/products")["X-RateLimit-Remaining"] == "2"


def test_the_limit_is_per_key(sandbox_api, limit_of_3):
    for _ in range(3):
        sandbox_api.client.get("/v1/products")
    other = sandbox_api.client_for(sandbox_api.create_key(account="Other Café"))

    assert sandbox_api.client.get("/v1/products").status_code == 429
    assert other.get("/v1/products").status_code == 200


def test_every_kind_of_response_to_a_valid_key_carries_the_headers(
    sandbox_api, settings, sandbox_clock
):
    settings.SANDBOX_RATE_LIMIT = 4
    responses = [
        sandbox_api.client.get("/v1/products?page=0"),  # 400
        sandbox_api.client.get("/v1/products/NOPE"),  # 404
        sandbox_api.client.get("/v1/somewhere"),  # unknown endpoint
        sandbox_api.client.delete("/v1/orders"),  # 405
        sandbox_api.client.get("/v1/products"),  # 429
    ]

    assert [r.status_code for r in responses] == [400, 404, 404, 405, 429]
    assert [_rate_headers(r) for r in responses] == [
        ("4", "3", "60"),
        ("4", "2", "60"),
        ("4", "1", "60"),
        ("4", "0", "60"),
        ("4", "0", "60"),
    ]


def test_a_201_carries_the_headers(sandbox_api, sandbox_clock):
    order = {
        "items": [{"sku": "CS-8OZ-ECO", "qty": 1000}],
        "shipping_address": {"line1": "1 A St", "city": "Salem", "state": "OR", "zip": "97301"},
        "currency": "USD",
    }

    response = sandbox_api.client.post("/v1/orders", order, content_type="application/json")

    assert response.status_code == 201
    assert _rate_headers(response) == ("120", "119", "60")


def test_the_limit_setting_is_read_at_request_time(sandbox_api, settings):
    settings.SANDBOX_RATE_LIMIT = 1
    assert sandbox_api.client.get("/v1/products").status_code == 200
    assert sandbox_api.client.get("/v1/products").status_code == 429

    settings.SANDBOX_RATE_LIMIT = 5

    assert sandbox_api.client.get("/v1/products")["X-RateLimit-Remaining"] == "3"


def test_the_count_is_shared_by_every_server_process_on_the_database(sandbox, limit_of_3):
    """Two requests in this process and one through the HTTP server thread use up the limit."""
    from tests.conftest import sandbox_client

    in_process = sandbox_client(sandbox.headers())
    in_process.get("/v1/products")
    in_process.get("/v1/products")
    assert sandbox.http.get("/products").status_code == 200

    response = sandbox.http.get("/products")

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
