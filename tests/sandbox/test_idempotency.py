"""Idempotency-Key on POST /v1/orders: replay within 24 h, conflict on another body."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from sandbox.models import IdempotencyRecord, Order

ORDER = {
    "items": [{"sku": "CS-8OZ-ECO", "qty": 5000}],
    "shipping_address": {"line1": "9 Dock Rd", "city": "Tacoma", "state": "WA", "zip": "98402"},
    "currency": "USD",
    "reference": "PO-77",
}


def _post(sandbox_api, body, key, client=None):
    return (client or sandbox_api.client).post(
        "/v1/orders", body, content_type="application/json", headers={"Idempotency-Key": key}
    )


def test_the_same_key_and_body_replays_the_first_answer(sandbox_api, sandbox_clock):
    first = _post(sandbox_api, ORDER, "key-1")
    sandbox_clock.advance(hours=3)  # the order has moved on since, the replay has not

    again = _post(sandbox_api, ORDER, "key-1")

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Order.objects.count() == 1
    assert sandbox_api.product("CS-8OZ-ECO").stock == 250_000 - 5000


def test_key_order_and_whitespace_do_not_make_another_body(sandbox_api):
    _post(sandbox_api, ORDER, "key-1")
    reordered = json.dumps(dict(reversed(list(ORDER.items()))), indent=4)

    again = _post(sandbox_api, reordered, "key-1")

    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_a_409(sandbox_api):
    _post(sandbox_api, ORDER, "key-1")

    response = _post(sandbox_api, {**ORDER, "reference": "PO-78"}, "key-1")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_conflict"
    assert Order.objects.count() == 1


def test_another_key_makes_another_order(sandbox_api):
    _post(sandbox_api, ORDER, "key-1")
    _post(sandbox_api, ORDER, "key-2")

    assert Order.objects.count() == 2


def test_keys_are_per_account(sandbox_api):
    other = sandbox_api.client_for(sandbox_api.create_key(account="Other Café"))

    _post(sandbox_api, ORDER, "shared-key")
    response = _post(sandbox_api, ORDER, "shared-key", client=other)

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Order.objects.count() == 2


def test_a_key_is_forgotten_after_24_hours(sandbox_api, sandbox_clock):
    _post(sandbox_api, ORDER, "key-1")
    sandbox_clock.advance(hours=23, minutes=59)
    assert _post(sandbox_api, ORDER, "key-1")["Idempotent-Replayed"] == "true"

    sandbox_clock.advance(minutes=1)
    response = _post(sandbox_api, {**ORDER, "reference": "PO-99"}, "key-1")

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Order.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_an_error_answer_is_not_stored_so_the_key_can_be_reused(sandbox_api):
    bad = {**ORDER, "currency": "EUR"}
    assert _post(sandbox_api, bad, "key-1").status_code == 400

    response = _post(sandbox_api, ORDER, "key-1")

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response


@pytest.mark.parametrize(
    ("key", "message"),
    [("k" * 256, "Must be 1 to 255 characters."), ("", "Must be 1 to 255 characters.")],
)
def test_a_bad_idempotency_key_is_a_400(sandbox_api, key, message):
    response = _post(sandbox_api, ORDER, key)

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"Idempotency-Key": [message]}
    assert not Order.objects.exists()


def test_a_key_of_255_characters_is_fine(sandbox_api):
    assert _post(sandbox_api, ORDER, "k" * 255).status_code == 201


def test_concurrent_identical_requests_make_one_order(sandbox):
    def send(_):
        return sandbox.http.post(
            "/orders", json=ORDER, headers={"Idempotency-Key": "race-1"}, timeout=30
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(send, range(8)))

    assert [r.status_code for r in responses] == [201] * 8
    assert len({r.json()["data"]["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    assert Order.objects.count() == 1
    assert sandbox.product("CS-8OZ-ECO").stock == 250_000 - 5000
