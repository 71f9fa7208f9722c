"""The API key never shows in repr, logs or errors; every attempt is logged once."""

import logging
import traceback

import httpx
import pytest

from cupsource import APIConnectionError, AuthenticationError, CupSourceClient, ServerError


def test_repr_shows_the_base_url_but_hides_the_key(make_client, api_key):
    client, _ = make_client()

    text = repr(client)

    assert text == "CupSourceClient(base_url='http://cupsource.test/v1', api_key='***')"
    assert api_key not in text


def test_it_logs_one_info_line_per_attempt(make_client, ok, fail, product, caplog):
    client, _ = make_client(
        fail(503, "server_error", headers={"X-Request-Id": "req-1"}),
        httpx.ReadTimeout("timed out"),
        ok(product, headers={"X-Request-Id": "req-3"}),
    )

    with caplog.at_level(logging.INFO, logger="cupsource"):
        client.get_product("CS-8OZ-ECO")

    lines = [r.getMessage() for r in caplog.records if r.name == "cupsource"]
    assert len(lines) == 3
    assert lines[0].startswith("GET /products/CS-8OZ-ECO -> 503 in ")
    assert "(attempt 1, request id req-1)" in lines[0]
    assert "-> ReadTimeout in " in lines[1]
    assert "(attempt 2, request id None)" in lines[1]
    assert "-> 200 in " in lines[2]
    assert "(attempt 3, request id req-3)" in lines[2]
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name == "cupsource")


def test_the_log_line_reports_the_duration_from_the_injected_clock(
    make_client, ok, product, caplog
):
    ticks = iter([10.0, 10.25])
    client, _ = make_client(ok(product), clock=lambda: next(ticks))

    with caplog.at_level(logging.INFO, logger="cupsource"):
        client.get_product("CS-8OZ-ECO")

    assert "in 250.0 ms" in caplog.records[-1].getMessage()


def test_the_key_is_in_no_log_record(make_client, ok, fail, product, caplog, api_key):
    client, _ = make_client(fail(500, "server_error"), httpx.ConnectError("refused"), ok(product))

    with caplog.at_level(logging.DEBUG):  # httpx's own loggers included
        client.get_product("CS-8OZ-ECO")

    assert caplog.records
    assert api_key not in caplog.text
    assert "Bearer" not in caplog.text


def test_a_key_echoed_by_the_server_is_scrubbed_from_the_error(make_client, fail, api_key):
    client, _ = make_client(fail(500, "server_error", f"Bad token {api_key}"), max_retries=0)

    with pytest.raises(ServerError) as caught:
        client.list_products()

    assert api_key not in str(caught.value)
    assert api_key not in repr(caught.value)
    assert "Bad token ***" in caught.value.message


def test_a_key_in_a_transport_error_is_scrubbed(make_client, api_key):
    client, _ = make_client(httpx.ConnectError(f"proxy refused Bearer {api_key}"), max_retries=0)

    with pytest.raises(APIConnectionError) as caught:
        client.list_products()

    assert api_key not in str(caught.value)


def test_the_formatted_traceback_of_a_failure_does_not_show_the_key(make_client, fail, api_key):
    client, _ = make_client(fail(401, "unauthorized", "Unknown key."))

    with pytest.raises(AuthenticationError) as caught:
        client.list_products()

    text = "".join(traceback.format_exception(caught.value))
    assert api_key not in text
    assert "Authorization" not in text


def test_an_empty_key_is_refused_at_construction():
    with pytest.raises(ValueError, match="api_key"):
        CupSourceClient("http://cupsource.test/v1", "")
