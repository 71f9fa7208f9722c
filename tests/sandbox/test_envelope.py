"""The JSON envelope everywhere: success shape, error shape, unknown paths and methods."""

import pytest

from sandbox import services


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
    response = sandbox_api.client.post("/v1/orders", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_request",
        "message": "Malformed JSON body.",
        "details": {},
    }


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
