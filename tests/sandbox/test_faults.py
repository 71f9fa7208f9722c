"""Faults on demand (settings.SANDBOX_FAULTS), against the running server."""

import time

import httpx
import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from sandbox import faults, server
from sandbox.models import Order

ORDER = {
    "items": [{"sku": "CS-8OZ-ECO", "qty": 1000}],
    "shipping_address": {"line1": "2 Elm", "city": "Eugene", "state": "OR", "zip": "97401"},
    "currency": "USD",
}


def _get(sandbox, path="/products", **kwargs):
    return sandbox.http.get(path, **kwargs)


def _post(sandbox, **kwargs):
    return sandbox.http.post("/orders", json=ORDER, **kwargs)


def test_no_faults_by_default(sandbox, settings):
    assert settings.SANDBOX_FAULTS == ""
    assert all(_get(sandbox).status_code == 200 for _ in range(5))


def test_a_500_fault_answers_500_without_processing_the_order(sandbox, settings):
    settings.SANDBOX_FAULTS = "500=1.0"

    response = _post(sandbox)

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert response.headers["X-RateLimit-Limit"] == "120"
    assert not Order.objects.exists()


def test_a_429_fault_answers_429_with_retry_after(sandbox, settings):
    settings.SANDBOX_FAULTS = "429=1"

    response = _get(sandbox)

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert response.headers["Retry-After"] == "1"


def test_a_timeout_fault_holds_the_answer_but_still_places_the_order(sandbox, settings):
    settings.SANDBOX_FAULTS = "timeout=1.0,timeout_s=1.5"

    with pytest.raises(httpx.ReadTimeout):
        _post(sandbox, timeout=0.3)

    assert Order.objects.count() == 1


def test_a_timeout_fault_answers_after_the_delay(sandbox, settings):
    settings.SANDBOX_FAULTS = "timeout=1.0,timeout_s=0.4"
    started = time.monotonic()

    response = _get(sandbox, timeout=5)

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.4


def test_a_reset_fault_drops_the_connection_without_an_answer(sandbox, settings):
    settings.SANDBOX_FAULTS = "reset=1.0"

    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        _get(sandbox, timeout=5)


def test_a_reset_post_is_processed_first_half_of_the_time_by_the_seeded_draw(sandbox, settings):
    spec = "reset=1.0,seed=7"
    settings.SANDBOX_FAULTS = spec
    replay = faults.FaultInjector(faults.parse(spec))
    processed_first = [replay.draw(method="POST")[1] for _ in range(8)]
    assert 0 < sum(processed_first) < 8  # this seed shows both behaviours

    for _ in range(8):
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            _post(sandbox, timeout=5)

    assert Order.objects.count() == sum(processed_first)


def test_a_bad_json_fault_truncates_the_body_and_keeps_the_status(sandbox, settings):
    settings.SANDBOX_FAULTS = "bad_json=1.0"

    listing = _get(sandbox)
    created = _post(sandbox)

    assert listing.status_code == 200
    assert listing.headers["Content-Type"] == "application/json"
    assert int(listing.headers["Content-Length"]) == len(listing.content)
    with pytest.raises(ValueError):
        listing.json()
    assert created.status_code == 201
    with pytest.raises(ValueError):
        created.json()
    assert Order.objects.count() == 1


def test_latency_delays_every_request(sandbox, settings):
    settings.SANDBOX_FAULTS = "latency_ms=300"
    started = time.monotonic()

    response = _get(sandbox)

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_faults_never_touch_the_openapi_document(sandbox, settings):
    settings.SANDBOX_FAULTS = "500=1.0"

    response = httpx.get(f"{sandbox.url}/openapi.json")

    assert response.status_code == 200
    assert response.json()["openapi"] == "3.1.0"


def test_a_seeded_spec_repeats_the_same_faults(sandbox, settings):
    settings.SANDBOX_FAULTS = "500=0.5,seed=3"
    first = [_get(sandbox).status_code for _ in range(12)]
    faults.forget()

    second = [_get(sandbox).status_code for _ in range(12)]

    assert first == second
    assert set(first) == {200, 500}


def test_a_full_spec_parses():
    spec = faults.parse(
        "500=0.1, 429=0.05,timeout=0.02,reset=0.02,bad_json=0.01,latency_ms=200,seed=7,timeout_s=2"
    )

    assert spec.probabilities == {
        "500": 0.1,
        "429": 0.05,
        "timeout": 0.02,
        "reset": 0.02,
        "bad_json": 0.01,
    }
    assert (spec.latency_ms, spec.seed, spec.timeout_s) == (200, 7, 2.0)


def test_an_empty_spec_means_no_faults():
    assert not faults.parse("").active
    assert not faults.parse("  ").active


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("500", "is not name=value"),
        ("500=0.1,", "is not name=value"),
        ("500=lots", "is not a number"),
        ("500=1.5", "is outside 0..1"),
        ("429=-0.1", "is outside 0..1"),
        ("500=nan", "is outside 0..1"),
        ("503=0.1", "unknown name(s) 503"),
        ("500=0.1,500=0.2", "names '500' twice"),
        ("500=0.6,reset=0.6", "add up to more than 1"),
        ("latency_ms=1.5", "is not an integer"),
        ("latency_ms=-5", "is outside 0..600000"),
        ("seed=abc", "is not an integer"),
        ("timeout_s=0", "must be more than 0"),
    ],
)
def test_a_bad_spec_is_refused_with_a_clear_message(spec, problem):
    with pytest.raises(faults.FaultSpecError, match="SANDBOX_FAULTS") as raised:
        faults.parse(spec)

    assert problem in str(raised.value)


def test_a_bad_spec_is_a_system_check_error(settings):
    settings.SANDBOX_FAULTS = "500=2"

    errors = checks.run_checks(tags=["sandbox"])

    assert [error.id for error in errors] == ["sandbox.E001"]
    assert "500=2" in errors[0].msg


@pytest.fixture
def serve_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(server, "serve", lambda *args, **kwargs: calls.append(args))
    return calls


def test_a_bad_spec_stops_the_server_from_starting(settings, serve_calls):
    settings.SANDBOX_FAULTS = "explode=1"

    with pytest.raises(CommandError, match="unknown name"):
        call_command("sandbox_serve", "--port", "0")

    assert serve_calls == []


def test_a_bad_spec_fails_the_servers_system_checks(settings, serve_calls):
    settings.SANDBOX_FAULTS = "explode=1"

    with pytest.raises(SystemCheckError, match=r"sandbox\.E001"):
        call_command("sandbox_serve", "--port", "0", skip_checks=False)

    assert serve_calls == []


def test_a_good_spec_lets_the_server_start(settings, serve_calls):
    settings.SANDBOX_FAULTS = "500=0.1,seed=1"

    call_command("sandbox_serve", "--port", "0", "--host", "127.0.0.1")

    assert serve_calls == [("127.0.0.1", 0)]
