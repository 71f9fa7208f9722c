import json

from django.urls import reverse

from cupsource import CupSourceError
from supplier.client import get_client
from supplier.status import SupplierStatus


def test_healthz_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def call_the_supplier():
    """One API call through the dashboard's client, as any page or job makes them."""
    try:
        with get_client(max_retries=0) as client:
            client.list_products(per_page=1)
    except CupSourceError:
        pass


def test_readyz_is_ok_with_database_cache_and_supplier(client, sandbox, settings):
    sandbox.configure(settings)
    call_the_supplier()

    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "supplier": True,
    }
    assert 0 <= body["checks"]["supplier"]["last_answer_s"] < 30


def test_readyz_is_degraded_not_down_when_the_supplier_is(client, db, settings):
    settings.CUPSOURCE_API_URL = "http://127.0.0.1:9/v1"  # nothing listens on the discard port
    call_the_supplier()

    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["supplier"]["ok"] is False


def test_readyz_is_degraded_before_anything_has_heard_from_the_supplier(client, db):
    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["supplier"] == {"ok": None, "last_answer_s": None}


def test_readyz_probes_never_call_the_supplier(client, sandbox, settings):
    from sandbox.models import RequestLog

    sandbox.configure(settings)
    for _ in range(10):
        client.get(reverse("readyz"))
    assert RequestLog.objects.count() == 0


def test_readyz_answers_503_not_500_when_the_shared_cache_is_down(client, db, monkeypatch):
    def broken():
        raise ConnectionError("redis down")

    monkeypatch.setattr("overview.health._caches", broken)
    monkeypatch.setattr("supplier.status.caches", {"shared": None})  # .get() would raise

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
    assert response.json()["checks"]["supplier"]["ok"] is None


def test_readyz_is_503_when_the_database_is_gone(client, db, monkeypatch):
    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr("overview.health._database", broken)
    monkeypatch.setattr("overview.health.supplier_status", lambda: SupplierStatus(reachable=True))
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False


def test_health_answers_hold_no_secrets(client, db, settings):
    body = json.dumps(client.get(reverse("readyz")).json())
    assert settings.CUPSOURCE_API_KEY not in body and settings.SECRET_KEY not in body
