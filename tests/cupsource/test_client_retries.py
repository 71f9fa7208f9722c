"""GET retries: which failures are retried, how long the client waits, when it gives up."""

import email.utils
import time

import httpx
import pytest

from cupsource import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    CupSourceError,
    MalformedResponseError,
    RateLimitError,
    ServerError,
)
from cupsource._base import RetryPolicy, _parse_retry_after


def test_it_retries_get_on_503_then_succeeds(make_client, ok, fail, product, sleeps):
    client, script = make_client(fail(503, "server_error"), ok(product))

    result = client.get_product("CS-8OZ-ECO")

    assert result.sku == "CS-8OZ-ECO"
    assert len(script.requests) == 2
    assert sleeps == [0.5]  # rng=1.0 → base * 2**0


def test_it_gives_up_after_max_retries(make_client, fail, sleeps):
    client, script = make_client(*[fail(500, "server_error")] * 4, max_retries=3)

    with pytest.raises(ServerError):
        client.get_product("CS-8OZ-ECO")

    assert len(script.requests) == 4  # 1 attempt + 3 retries
    assert sleeps == [0.5, 1.0, 2.0]


def test_it_makes_one_attempt_with_max_retries_zero(make_client, fail, sleeps):
    client, script = make_client(fail(503, "server_error"), max_retries=0)

    with pytest.raises(ServerError):
        client.list_products()

    assert len(script.requests) == 1
    assert sleeps == []


def test_backoff_delays_are_capped(make_client, fail, sleeps):
    client, _ = make_client(
        *[fail(500, "server_error")] * 7, max_retries=6, backoff_base=1.0, backoff_cap=5.0
    )

    with pytest.raises(ServerError):
        client.list_products()

    assert sleeps == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_full_jitter_with_rng_zero_waits_nothing(make_client, fail, ok, product, sleeps):
    client, _ = make_client(fail(502, "server_error"), ok(product), rng=lambda: 0.0)

    client.get_product("CS-8OZ-ECO")

    assert sleeps == [0.0]


def test_full_jitter_stays_below_the_exponential_ceiling():
    policy = RetryPolicy(backoff_base=0.5, backoff_cap=8.0, rng=lambda: 0.999999)

    delays = [policy.delay(n) for n in range(8)]

    assert delays == pytest.approx([0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0], rel=1e-5)
    assert all(d < c for d, c in zip(delays, [0.5, 1, 2, 4, 8, 8, 8, 8], strict=True))


def test_full_jitter_scales_the_ceiling_by_rng():
    policy = RetryPolicy(backoff_base=0.5, backoff_cap=8.0, rng=lambda: 0.25)

    assert policy.delay(3) == 1.0  # 0.25 * 4.0


def test_it_honours_retry_after_seconds_on_429(make_client, fail, ok, product, sleeps):
    limited = fail(429, "rate_limited", headers={"Retry-After": "7"})
    client, script = make_client(limited, ok(product))

    client.get_product("CS-8OZ-ECO")

    assert sleeps == [7.0]
    assert len(script.requests) == 2


def test_it_honours_retry_after_as_an_http_date(make_client, fail, ok, product, sleeps):
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    client, _ = make_client(fail(429, "rate_limited", headers={"Retry-After": when}), ok(product))

    client.get_product("CS-8OZ-ECO")

    assert len(sleeps) == 1
    assert 28.0 <= sleeps[0] <= 30.0  # the date has whole-second precision


def test_retry_after_http_date_is_measured_from_now():
    now = 1_800_000_000.0
    header = email.utils.formatdate(now + 42, usegmt=True)

    assert _parse_retry_after(header, now) == 42.0
    assert _parse_retry_after(email.utils.formatdate(now - 5, usegmt=True), now) == 0.0
    assert _parse_retry_after("soon", now) is None
    assert _parse_retry_after("2.5", now) == 2.5


def test_retry_after_is_capped(make_client, fail, ok, product, sleeps):
    limited = fail(429, "rate_limited", headers={"Retry-After": "3600"})
    client, _ = make_client(limited, ok(product), max_retry_after=60.0)

    client.get_product("CS-8OZ-ECO")

    assert sleeps == [60.0]


def test_backoff_wins_over_a_shorter_retry_after(make_client, fail, ok, product, sleeps):
    limited = fail(429, "rate_limited", headers={"Retry-After": "0"})
    client, _ = make_client(limited, limited, ok(product))

    client.get_product("CS-8OZ-ECO")

    assert sleeps == [0.5, 1.0]


def test_it_raises_rate_limit_error_when_429_persists(make_client, fail, sleeps):
    limited = fail(429, "rate_limited", headers={"Retry-After": "2"})
    client, script = make_client(limited, limited, limited)

    with pytest.raises(RateLimitError) as caught:
        client.list_products()

    assert caught.value.retry_after == 2.0
    assert len(script.requests) == 3
    assert sleeps == [2.0, 2.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_it_never_retries_4xx_other_than_429(make_client, fail, status, sleeps):
    client, script = make_client(fail(status, "nope"))

    with pytest.raises(CupSourceError):  # the class is covered in test_client_errors
        client.list_products()

    assert len(script.requests) == 1
    assert sleeps == []


def test_it_does_not_retry_bad_json_on_a_2xx(make_client, sleeps):
    client, script = make_client(httpx.Response(200, text="{not json"))

    with pytest.raises(MalformedResponseError):
        client.list_products()

    assert len(script.requests) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), APIConnectionError),
        (httpx.ConnectTimeout("timed out"), APITimeoutError),
        (httpx.ReadTimeout("timed out"), APITimeoutError),
        (httpx.RemoteProtocolError("Server disconnected"), APIConnectionError),
        (httpx.ReadError("Connection reset by peer"), APIConnectionError),
    ],
)
def test_transport_failures_become_connection_errors_after_retries(make_client, exc, cls, sleeps):
    client, script = make_client(exc, exc, exc)

    with pytest.raises(cls) as caught:
        client.get_product("CS-8OZ-ECO")

    assert type(caught.value) is cls
    assert caught.value.status is None
    assert caught.value.outcome is None
    assert caught.value.__cause__ is exc
    assert len(script.requests) == 3
    assert sleeps == [0.5, 1.0]


def test_it_recovers_from_a_timeout_on_retry(make_client, ok, product):
    client, script = make_client(httpx.ReadTimeout("timed out"), ok(product))

    assert client.get_product("CS-8OZ-ECO").sku == "CS-8OZ-ECO"
    assert len(script.requests) == 2


def test_it_does_not_retry_a_request_httpx_cannot_send(make_client, sleeps):
    client, script = make_client(httpx.UnsupportedProtocol("Request URL has an unsupported scheme"))

    with pytest.raises(APIConnectionError):
        client.list_products()

    assert len(script.requests) == 1


def test_no_httpx_or_pydantic_exception_escapes(make_client, fail):
    client, _ = make_client(
        httpx.Response(200, text="<html>"),
        fail(500, "server_error"),
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"success": True, "data": {"sku": 1}, "meta": {}}),
        max_retries=0,
    )

    for call in (
        lambda: client.list_products(),
        lambda: client.list_products(),
        lambda: client.list_products(),
        lambda: client.get_product("X"),
    ):
        with pytest.raises(CupSourceError):
            call()


def test_a_bad_request_is_not_retried_even_with_retries_left(make_client, fail, sleeps):
    client, script = make_client(fail(400, "invalid_request"), max_retries=5)

    with pytest.raises(BadRequestError):
        client.list_products(page=0)

    assert len(script.requests) == 1


def test_it_reports_every_attempt_to_on_result(make_client, ok, fail, product):
    results = []
    client, _ = make_client(
        httpx.ConnectError("refused"),
        fail(503, "server_error"),
        ok(product),
        on_result=results.append,
    )

    client.get_product("CS-8OZ-ECO")

    assert results == ["ConnectError", 503, 200]


def test_it_reports_the_last_attempt_of_a_failed_call_too(make_client, fail):
    results = []
    client, _ = make_client(fail(401, "unauthorized"), on_result=results.append)

    with pytest.raises(CupSourceError):
        client.get_product("CS-8OZ-ECO")

    assert results == [401]
