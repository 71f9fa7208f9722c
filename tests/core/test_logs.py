import json
import logging

from django.urls import reverse

from core.logs import JsonFormatter, RequestIdFilter, request_id


def test_every_response_carries_a_request_id(client, db):
    response = client.get(reverse("healthz"))
    assert len(response["X-Request-ID"]) == 32


def test_a_sane_incoming_request_id_is_kept(client, db):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "edge-1234abcd"})
    assert response["X-Request-ID"] == "edge-1234abcd"


def test_an_unsafe_incoming_request_id_is_replaced(client, db):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "bad id\nforged log line"})
    assert "\n" not in response["X-Request-ID"] and response["X-Request-ID"] != "bad id"


def test_log_lines_made_during_a_request_carry_its_id(
    client, buyer, make_product, caplog, settings
):
    from orders_app.services import cart_add

    settings.CUPSOURCE_API_URL = "http://127.0.0.1:9/v1"  # checkout logs its failed re-check
    cart_add(user=buyer, product=make_product("CS-8OZ-ECO"), qty=5000)
    client.force_login(buyer)
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("orders:checkout"), headers={"X-Request-ID": "req-abcdef12"})
    assert response["X-Request-ID"] == "req-abcdef12"
    supplier_lines = [r for r in caplog.records if r.name in {"cupsource", "supplier.status"}]
    assert supplier_lines and {r.request_id for r in supplier_lines} == {"req-abcdef12"}
    assert request_id.get() == "-"  # reset after the request


def test_the_json_format_is_one_object_per_line():
    record = logging.LogRecord(
        "cupsource", logging.INFO, __file__, 1, "GET %s", ("/products",), None
    )
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET /products" and entry["logger"] == "cupsource"
    assert entry["request_id"] == "-" and entry["level"] == "INFO"
