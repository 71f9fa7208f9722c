"""manage.py sandbox_seed and sandbox_create_key."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sandbox.models import Account, ApiKey, Order, Product
from sandbox.services import hash_key


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_builds_300_products_by_default(db):
    output = _run("sandbox_seed")

    assert Product.objects.count() == 300
    assert output.strip() == "Sandbox catalog: 300 products (300 created)."
    assert Product.objects.filter(sku__in=["CS-8OZ-ECO", "CS-DOME-LID"]).count() == 2


def test_seed_is_idempotent_and_keeps_stock_accounts_keys_and_orders(sandbox_api):
    sandbox_api.client.post(
        "/v1/orders",
        {
            "items": [{"sku": "CS-8OZ-ECO", "qty": 1000}],
            "shipping_address": {"line1": "1 A", "city": "Bend", "state": "OR", "zip": "97701"},
            "currency": "USD",
        },
        content_type="application/json",
    )

    output = _run("sandbox_seed", "--products", "120")

    assert output.strip() == "Sandbox catalog: 120 products (0 created)."
    assert Product.objects.get(sku="CS-8OZ-ECO").stock == 249_000
    assert Order.objects.count() == 1
    assert Account.objects.filter(name=sandbox_api.account).exists()
    assert sandbox_api.client.get("/v1/products").status_code == 200


def test_seed_adds_the_missing_skus_when_asked_for_more(sandbox_api):
    _run("sandbox_seed", "--products", "500")

    assert Product.objects.count() == 500
    assert Product.objects.get(sku="CS-8OZ-ECO").stock == 250_000


def test_seed_reset_rebuilds_the_catalog_but_keeps_orders_and_keys(sandbox_api):
    sandbox_api.set_stock("CS-8OZ-ECO", 7)

    output = _run("sandbox_seed", "--products", "50", "--reset")

    assert output.strip() == "Sandbox catalog: 50 products (50 created, rebuilt)."
    assert Product.objects.count() == 50
    assert Product.objects.get(sku="CS-8OZ-ECO").stock == 250_000
    assert ApiKey.objects.filter(key_hash=hash_key(sandbox_api.api_key)).exists()


def test_seed_builds_a_big_catalog_quickly(db):
    _run("sandbox_seed", "--products", "5000")

    assert Product.objects.count() == 5000
    assert Product.objects.filter(sku__endswith="-P00001").exists()


@pytest.mark.parametrize("count", ["1", "0", "-5"])
def test_seed_refuses_a_catalog_without_the_portal_skus(db, count):
    with pytest.raises(CommandError, match="between 2"):
        _run("sandbox_seed", "--products", count)


def test_create_key_prints_only_a_working_key(sandbox_api):
    output = _run("sandbox_create_key")
    key = output.strip()

    assert output == key + "\n"
    assert key.startswith("cs_test_") and len(key) == 40
    assert sandbox_api.client_for(key).get("/v1/products").status_code == 200
    stored = ApiKey.objects.get(key_hash=hash_key(key))
    assert stored.account.name == "Sandbox Buyer"
    assert stored.account.billing_verified
    assert not stored.read_only


def test_create_key_with_options(sandbox_api, sandbox_clock):
    key = _run(
        "sandbox_create_key",
        "--account",
        "Slow Café",
        "--unverified",
        "--read-only",
        "--expires-in",
        "3600",
    ).strip()

    stored = ApiKey.objects.select_related("account").get(key_hash=hash_key(key))
    assert stored.account.name == "Slow Café"
    assert not stored.account.billing_verified
    assert stored.read_only
    assert stored.expires_at == sandbox_clock.start.replace(hour=10)


def test_create_key_can_register_a_given_key(sandbox_api):
    given = "cs_test_canary_key_for_the_dashboard_01"

    printed = _run("sandbox_create_key", "--key", given, "--account", "Demo").strip()

    assert printed == given
    assert sandbox_api.client_for(given).get("/v1/products").status_code == 200


def test_create_key_refuses_a_short_given_key(db):
    with pytest.raises(CommandError, match="at least 16"):
        _run("sandbox_create_key", "--key", "short")


def test_create_key_refuses_a_non_positive_expiry(db):
    with pytest.raises(CommandError, match="positive"):
        _run("sandbox_create_key", "--expires-in", "0")
