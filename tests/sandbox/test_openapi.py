"""GET /v1/openapi.json, and schemathesis against the running sandbox with it."""

import hypothesis
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sandbox import openapi

# Every check except positive_data_acceptance: a schema-valid order for a random SKU is rightly
# refused (400 unknown_sku), as is a schema-valid page of a random product id (404).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def test_the_document_is_openapi_3_1_with_every_endpoint(sandbox_api):
    document = sandbox_api.client_for(None).get("/v1/openapi.json").json()

    assert document["openapi"] == "3.1.0"
    assert {(path, method) for path, item in document["paths"].items() for method in item} == {
        ("/products", "get"),
        ("/products/{sku}", "get"),
        ("/orders", "get"),
        ("/orders", "post"),
        ("/orders/{order_id}", "get"),
        ("/orders/{order_id}/tracking", "get"),
        ("/openapi.json", "get"),
    }
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_document_describes_every_error_status_of_the_contract():
    statuses = {
        status
        for item in openapi.PATHS.values()
        for operation in item.values()
        for status in operation["responses"]
    }

    assert statuses >= {"200", "201", "400", "401", "403", "404", "409", "413", "415", "429", "500"}
    codes = openapi.SCHEMAS["Error"]["properties"]["error"]["properties"]["code"]["enum"]
    assert set(codes) >= {
        "invalid_request",
        "unknown_sku",
        "insufficient_stock",
        "unsupported_currency",
        "unauthorized",
        "forbidden",
        "billing_unverified",
        "not_found",
        "idempotency_conflict",
        "payload_too_large",
        "uri_too_long",
        "unsupported_media_type",
        "rate_limited",
        "headers_too_large",
        "server_error",
        "not_implemented",
    }


def test_the_rate_limited_response_documents_retry_after():
    headers = openapi.RESPONSES["RateLimited"]["headers"]

    assert {"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= (
        set(headers)
    )


schema = schemathesis.openapi.from_dict(openapi.document())
schema.config.generation.update(
    max_examples=15, deterministic=True, database="none", modes=["positive", "negative"]
)


@schema.parametrize()
@hypothesis.settings(
    # The seeded sandbox is shared by an operation's examples on purpose (orders accumulate).
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
    deadline=None,
)
def test_the_sandbox_conforms_to_its_openapi_document(case, sandbox, settings):
    settings.SANDBOX_RATE_LIMIT = 1_000_000

    case.call_and_validate(base_url=sandbox.url, headers=sandbox.headers(), checks=CHECKS)


ORDER = {
    "items": [{"sku": "CS-DOME-LID", "qty": 1000}],
    "shipping_address": {"line1": "1 A", "city": "Reno", "state": "NV", "zip": "89501"},
    "currency": "USD",
}


def test_the_413_for_a_body_over_the_limit_conforms_to_the_document(sandbox):
    # A valid order (extra properties are allowed) that is too big.
    body = {**ORDER, "note": "x" * openapi.MAX_BODY_BYTES}
    case = schema["/orders"]["POST"].Case(body=body, media_type="application/json")

    response = case.call_and_validate(
        base_url=sandbox.url, headers=sandbox.headers(), checks=CHECKS
    )

    assert response.status_code == 413


def test_the_415_for_a_body_that_is_not_json_conforms_to_the_document(sandbox):
    case = schema["/orders"]["POST"].Case(body="items: lots", media_type="text/plain")

    response = case.call_and_validate(
        base_url=sandbox.url, headers=sandbox.headers(), checks=CHECKS
    )

    assert response.status_code == 415
