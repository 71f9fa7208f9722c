import json

from django.urls import reverse

from dashboard.supplier import SupplierStatus


def test_healthz_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ok_with_database_cache_and_supplier(client, sandbox, settings):
    sandbox.configure(settings)
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "cache": True,
        "supplier": True,
    }


def test_readyz_is_degraded_not_down_when_the_supplier_is(client, db, settings):
    settings.CUPSOURCE_API_URL = "http://127.0.0.1:9/v1"
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


def test_readyz_probes_do_not_spend_the_api_budget(client, sandbox, settings):
    from sandbox.models import RequestLog

    sandbox.configure(settings)
    for _ in range(10):
        client.get(reverse("readyz"))
    assert RequestLog.objects.count() == 1


def test_readyz_is_503_when_the_database_is_gone(client, db, monkeypatch):
    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr("dashboard.health._database", broken)
    monkeypatch.setattr("dashboard.health.supplier_status", lambda: SupplierStatus(reachable=True))
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False


def test_health_answers_hold_no_secrets(client, db, settings):
    body = json.dumps(client.get(reverse("readyz")).json())
    assert settings.CUPSOURCE_API_KEY not in body and settings.SECRET_KEY not in body
