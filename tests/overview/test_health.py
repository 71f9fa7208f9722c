import json
import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from cupsource import CupSourceError
from supplier.client import get_client
from supplier.status import SupplierStatus
from tests.core.test_cache import closed_port

ROOT = Path(__file__).resolve().parents[2]


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


def test_probes_answer_json_by_any_host_with_a_cookie_and_database_and_redis_down():
    # A fresh production process whose database and Redis are on ports nobody listens to,
    # probed by IP address (not in ALLOWED_HOSTS) by a client that sends a session cookie.
    code = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="10.1.2.3:8000")
client.cookies["sessionid"] = "a" * 32
for path in ("/healthz", "/readyz"):
    response = client.get(path)
    print(path, response.status_code, response["Content-Type"], json.dumps(response.json()))
"""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))
    }
    env.update(
        DJANGO_READ_DOT_ENV="false",
        DJANGO_DEBUG="false",
        DJANGO_SETTINGS_MODULE="dashboard.settings",
        ALLOWED_HOSTS="cupboard.example.com",
        SITE_URL="https://cupboard.example.com",
        SANDBOX_ENABLED="false",
        DATABASE_URL=f"postgres://cupboard@127.0.0.1:{closed_port()}/cupboard",
        CACHE_URL=f"redis://127.0.0.1:{closed_port()}/0",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    healthz, readyz = result.stdout.splitlines()
    assert healthz.startswith('/healthz 200 application/json {"status": "ok"}')
    assert readyz.startswith("/readyz 503 application/json")
    assert '"database": {"ok": false' in readyz and '"cache": {"ok": false' in readyz
    assert "DisallowedHost" not in result.stderr and "Traceback" not in result.stderr
