"""API keys: 401 for missing/unknown/revoked/expired keys, 403 for what a key may not do."""

import pytest

from sandbox.models import ApiKey, Order
from sandbox.services import hash_key

ORDER = {
    "items": [{"sku": "CS-8OZ-ECO", "qty": 1000}],
    "shipping_address": {"line1": "1 Main St", "city": "Portland", "state": "OR", "zip": "97201"},
    "currency": "USD",
}


def _error(response) -> dict:
    return response.json()["error"]


def test_a_request_without_a_key_is_401(sandbox_api):
    response = sandbox_api.client_for(None).get("/v1/products")

    assert response.status_code == 401
    assert _error(response)["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer   ", "cs_test_abc", "Token x"])
def test_a_malformed_authorization_header_is_401(sandbox_api, header):
    response = sandbox_api.client_for(None).get("/v1/products", headers={"Authorization": header})

    assert response.status_code == 401
    assert _error(response)["code"] == "unauthorized"


def test_the_bearer_scheme_is_case_insensitive(sandbox_api):
    response = sandbox_api.client_for(None).get(
        "/v1/products", headers={"Authorization": f"bearer {sandbox_api.api_key}"}
    )

    assert response.status_code == 200


def test_an_unknown_key_is_401_and_never_echoed(sandbox_api):
    key = "cs_test_not_a_real_key_1234567890ab"

    response = sandbox_api.client_for(key).get("/v1/products")

    assert response.status_code == 401
    assert _error(response)["message"] == "Unknown API key."
    assert key not in response.content.decode()


def test_a_revoked_key_is_401(sandbox_api):
    key = sandbox_api.create_key()
    sandbox_api.revoke(key)

    response = sandbox_api.client_for(key).get("/v1/products")

    assert response.status_code == 401
    assert _error(response)["message"] == "This API key has been revoked."


def test_an_expired_key_is_401(sandbox_api, sandbox_clock):
    key = sandbox_api.create_key(expires_in=60)
    assert sandbox_api.client_for(key).get("/v1/products").status_code == 200

    sandbox_clock.advance(seconds=60)
    response = sandbox_api.client_for(key).get("/v1/products")

    assert response.status_code == 401
    assert _error(response)["message"] == "This API key has expired."


def test_only_the_hash_and_a_short_prefix_of_a_key_are_stored(sandbox_api):
    stored = ApiKey.objects.get(key_hash=hash_key(sandbox_api.api_key))

    assert stored.prefix == sandbox_api.api_key[:12]
    assert len(sandbox_api.api_key) == len("cs_test_") + 32
    assert sandbox_api.api_key not in {stored.prefix, stored.key_hash}


def test_a_read_only_key_may_read(sandbox_api):
    key = sandbox_api.create_key(read_only=True)

    assert sandbox_api.client_for(key).get("/v1/products").status_code == 200
    assert sandbox_api.client_for(key).get("/v1/orders").status_code == 200


def test_a_read_only_key_may_not_order(sandbox_api):
    key = sandbox_api.create_key(read_only=True)

    response = sandbox_api.client_for(key).post(
        "/v1/orders", ORDER, content_type="application/json"
    )

    assert response.status_code == 403
    assert _error(response)["code"] == "forbidden"
    assert not Order.objects.exists()


def test_an_account_with_unverified_billing_may_not_order(sandbox_api):
    key = sandbox_api.create_key(account="New Café", verified=False)

    response = sandbox_api.client_for(key).post(
        "/v1/orders", ORDER, content_type="application/json"
    )

    assert response.status_code == 403
    assert _error(response)["code"] == "billing_unverified"
    assert not Order.objects.exists()


def test_an_account_with_unverified_billing_may_read(sandbox_api):
    key = sandbox_api.create_key(account="New Café", verified=False)

    assert sandbox_api.client_for(key).get("/v1/products/CS-DOME-LID").status_code == 200


def test_the_openapi_document_needs_no_key(sandbox_api):
    response = sandbox_api.client_for(None).get("/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.1")
