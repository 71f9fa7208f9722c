"""The JSON envelope everywhere: success shape, error shape, unknown paths and methods."""

import json

import pytest

from sandbox import limits, services
from sandbox.models import Order


def test_a_single_product_has_an_empty_meta(sandbox_api):
    body = sandbox_api.client.get("/v1/products/CS-8OZ-ECO").json()

    assert body["success"] is True
    assert body["meta"] == {}
    assert body["data"]["sku"] == "CS-8OZ-ECO"


@pytest.mark.parametrize("path", ["/", "/v1", "/v2/products", "/v1/widgets", "/favicon.ico"])
def test_unknown_paths_get_a_404_envelope(sandbox_api, path):
    response = sandbox_api.client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "success": False,
        "error": {"code": "not_found", "message": f"No endpoint GET {path}.", "details": {}},
    }


def test_unknown_paths_are_json_with_debug_on_too(sandbox_api, settings):
    settings.DEBUG = True

    response = sandbox_api.client.get("/v1/nothing/here")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_paths_need_no_key(sandbox_api):
    response = sandbox_api.client_for(None).get("/v1/nothing")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/v1/products", "GET"),
        ("post", "/v1/products/CS-8OZ-ECO", "GET"),
        ("put", "/v1/orders", "GET, POST"),
        ("patch", "/v1/orders/ord_x/tracking", "GET"),
    ],
)
def test_unknown_methods_get_a_405_envelope_with_allow(sandbox_api, method, path, allowed):
    response = getattr(sandbox_api.client, method)(path)

    assert response.status_code == 405
    assert response["Allow"] == allowed
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("body", ["{", "not json", '{"items": [}', ""])
def test_a_malformed_json_body_is_a_400_invalid_request(sandbox_api, body):
    # CONTENT_TYPE given again: the test client leaves it out when the body is empty.
    response = sandbox_api.client.post(
        "/v1/orders", body, content_type="application/json", CONTENT_TYPE="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_request",
        "message": "Malformed JSON body.",
        "details": {},
    }


ORDER = {
    "items": [{"sku": "CS-8OZ-ECO", "qty": 1000}],
    "shipping_address": {"line1": "2 Elm", "city": "Eugene", "state": "OR", "zip": "97401"},
    "currency": "USD",
}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/jsonp", "", "text/json"],
)
def test_an_order_not_sent_as_json_is_a_415_and_not_placed(sandbox_api, content_type):
    response = sandbox_api.client.post("/v1/orders", json.dumps(ORDER), content_type=content_type)

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "Application/JSON", "application/json;"]
)
def test_json_with_parameters_or_in_capitals_is_json(sandbox_api, content_type):
    response = sandbox_api.client.post("/v1/orders", json.dumps(ORDER), content_type=content_type)

    assert response.status_code == 201


def test_limits_are_checked_before_the_key_and_not_counted(sandbox_api, settings):
    settings.SANDBOX_RATE_LIMIT = 5
    first = sandbox_api.client.get("/v1/products")

    too_big = sandbox_api.client.post(
        "/v1/orders", "x" * (limits.MAX_BODY_BYTES + 1), content_type="application/json"
    )
    too_long = sandbox_api.client_for(None).get("/v1/products?sku=" + "A" * limits.MAX_URL_LENGTH)
    after = sandbox_api.client.get("/v1/products")

    assert (too_big.status_code, too_long.status_code) == (413, 414)
    assert too_big.json()["error"]["code"] == "payload_too_large"
    assert too_long.json()["error"]["code"] == "uri_too_long"
    assert "X-RateLimit-Remaining" not in too_big
    assert int(after["X-RateLimit-Remaining"]) == int(first["X-RateLimit-Remaining"]) - 1


def test_a_json_body_that_is_not_an_object_is_a_400(sandbox_api):
    response = sandbox_api.client.post("/v1/orders", [1, 2], content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"body": ["Expected a JSON object."]}


def test_every_response_carries_a_request_id(sandbox_api):
    responses = [
        sandbox_api.client.get("/v1/products"),
        sandbox_api.client.get("/v1/products/NOPE"),
        sandbox_api.client.get("/nowhere"),
        sandbox_api.client.delete("/v1/products"),
        sandbox_api.client_for("cs_test_wrong_key_0000000000").get("/v1/products"),
        sandbox_api.client.get("/v1/openapi.json"),
    ]

    ids = [response["X-Request-Id"] for response in responses]
    assert all(request_id.startswith("req_") for request_id in ids)
    assert len(set(ids)) == len(ids)


def test_an_unexpected_exception_is_a_500_server_error_envelope(sandbox_api, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "order_submit", explode)

    response = sandbox_api.client.post("/v1/orders", {}, content_type="application/json")

    assert response.status_code == 500
    assert response.json()["error"] == {
        "code": "server_error",
        "message": "Unexpected server error.",
        "details": {},
    }
    assert "boom" not in response.content.decode()


def test_an_exception_in_the_middleware_is_a_500_envelope_too(sandbox_api, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("rate limiter down")

    monkeypatch.setattr(services, "rate_limit_hit", explode)
    client = sandbox_api.client_for(sandbox_api.api_key, raise_request_exception=False)

    response = client.get("/v1/products")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert response["X-Request-Id"].startswith("req_")


def test_an_exception_in_the_middleware_is_json_with_debug_on(sandbox_api, monkeypatch, settings):
    settings.DEBUG = True

    def explode(**kwargs):
        raise RuntimeError("rate limiter down")

    monkeypatch.setattr(services, "rate_limit_hit", explode)
    client = sandbox_api.client_for(sandbox_api.api_key, raise_request_exception=False)

    response = client.get("/v1/products")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
