"""The catalog sync against the real sandbox over HTTP: the service, the command, the admin
button and the catalog page's button."""

import functools
import logging
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog_app import services
from catalog_app.models import LidFit, Product, SyncRun
from catalog_app.services import catalog_sync
from cupsource.budget import SlidingWindowBudget
from supplier import client as supplier
from supplier.client import get_client

COMPARED = [
    "name",
    "category",
    "material",
    "capacity_oz",
    "unit_price",
    "currency",
    "case_pack",
    "min_order_qty",
    "stock",
    "lead_time_days",
    "description",
    "compatible_lids",
]


@pytest.fixture
def configured(sandbox, settings):
    """The dashboard's client settings pointed at the sandbox; no retry sleeps for real."""
    sandbox.configure(settings)
    settings.CUPSOURCE_MAX_RETRIES = 0
    return sandbox


def sync(trigger: str = "command", **client_options) -> SyncRun:
    with get_client(**client_options) as client:
        return catalog_sync(client=client, trigger=trigger)


def mirror() -> dict[str, dict]:
    return {p["sku"]: p for p in Product.objects.values("sku", *COMPARED, "supplier_updated_at")}


def rate_limited_responses(caplog) -> int:
    return sum(1 for r in caplog.records if r.name == "cupsource" and "-> 429" in r.getMessage())


# --- the sync service --------------------------------------------------------------------------


def test_a_full_sync_mirrors_every_sandbox_product_with_its_fields(configured):
    from sandbox.models import Product as SandboxProduct

    run = sync()

    assert (run.status, run.pages, run.products_seen) == ("succeeded", 2, 120)
    assert (run.created, run.updated, run.discontinued) == (120, 0, 0)
    mirrored = mirror()
    rows = list(SandboxProduct.objects.all())
    assert sorted(mirrored) == sorted(row.sku for row in rows)
    for row in rows:
        assert {name: mirrored[row.sku][name] for name in COMPARED} == {
            name: getattr(row, name) for name in COMPARED
        }, row.sku
        # The API sends updated_at to the millisecond.
        sent = row.updated_at.replace(microsecond=row.updated_at.microsecond // 1000 * 1000)
        assert mirrored[row.sku]["supplier_updated_at"] == sent


def test_a_full_sync_keeps_the_portal_products_exact(configured):
    sync()

    cup = Product.objects.get(sku="CS-8OZ-ECO")
    assert cup.unit_price == Decimal("0.0480")
    assert "CS-DOME-LID" in cup.compatible_lids
    assert LidFit.objects.filter(product=cup, lid_sku="CS-DOME-LID").exists()
    lid = Product.objects.get(sku="CS-DOME-LID")
    assert (lid.category, lid.capacity_oz, lid.compatible_lids) == ("lids", None, [])


def test_a_second_sync_changes_nothing(configured):
    sync()
    before = mirror()

    run = sync()

    assert (run.status, run.created, run.updated, run.discontinued) == ("succeeded", 0, 0, 0)
    assert mirror() == before


def test_a_stock_change_in_the_sandbox_shows_up_as_one_update(configured):
    sync()
    configured.set_stock("CS-DOME-LID", 1234)

    run = sync()

    assert (run.created, run.updated, run.discontinued) == (0, 1, 0)
    assert Product.objects.get(sku="CS-DOME-LID").stock == 1234


def test_a_background_sync_within_the_budget_never_gets_a_429(
    configured, settings, monkeypatch, sandbox_clock, caplog
):
    """12 pages at 5 requests a minute: the budget makes the sync wait (on a fake clock that
    the sandbox shares) instead of running into the sandbox's limit."""
    settings.SANDBOX_RATE_LIMIT = 5
    settings.CUPSOURCE_RATE_LIMIT = 5
    monkeypatch.setattr(services, "PER_PAGE", 10)
    now = [1_750_000_000.0]
    monkeypatch.setattr(
        supplier,
        "SlidingWindowBudget",
        functools.partial(SlidingWindowBudget, clock=lambda: now[0]),
    )
    waits = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds
        sandbox_clock.advance(seconds=seconds)

    with caplog.at_level(logging.INFO, logger="cupsource"):
        run = sync(trigger="schedule", sleep=sleep)

    assert (run.status, run.pages, run.created) == ("succeeded", 12, 120)
    assert rate_limited_responses(caplog) == 0
    assert len(waits) == 2  # 5 pages, wait, 5 pages, wait, 2 pages
    assert all(60 < wait <= 61 for wait in waits)


def test_without_the_budget_the_same_sync_runs_into_the_limit(
    configured, settings, monkeypatch, sandbox_clock, caplog
):
    settings.SANDBOX_RATE_LIMIT = 5
    monkeypatch.setattr(services, "PER_PAGE", 10)

    with caplog.at_level(logging.INFO, logger="cupsource"):
        run = sync(budget=None)

    assert run.status == "failed"
    assert rate_limited_responses(caplog) == 1
    assert not Product.objects.exists()


# --- the sync_catalog command --------------------------------------------------------------------


def test_the_command_syncs_and_reports_pages_new_and_updated(configured):
    out = StringIO()

    call_command("sync_catalog", verbosity=0, stdout=out)

    assert out.getvalue().strip() == (
        "Catalog synced: 2 pages, 120 new, 0 updated, 0 discontinued."
    )
    assert SyncRun.objects.get().trigger == "command"
    assert Product.objects.count() == 120


def test_the_command_fails_clearly_and_keeps_the_mirror_when_the_api_is_down(configured, settings):
    call_command("sync_catalog", verbosity=0, stdout=StringIO())
    before = mirror()
    settings.CUPSOURCE_API_URL = "http://127.0.0.1:9/v1"

    with pytest.raises(CommandError) as caught:
        call_command("sync_catalog", verbosity=0, stdout=StringIO())

    assert "the previous catalog is unchanged" in str(caught.value)
    assert "Cup Source API failed" in str(caught.value)
    assert settings.CUPSOURCE_API_KEY not in str(caught.value)
    assert mirror() == before
    assert SyncRun.objects.filter(status="failed").count() == 1


# --- the admin's "sync now" -------------------------------------------------------------------


@pytest.fixture
def staff(django_user_model):
    """A staff member who may see the sync history in the admin."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("staff", password="pw-staff-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_syncrun"))
    return user


def test_staff_can_sync_from_the_sync_run_changelist(client, staff, configured):
    client.force_login(staff)

    response = client.post(reverse("admin:catalog_app_syncrun_sync_now"), follow=True)

    assert response.redirect_chain == [(reverse("admin:catalog_app_syncrun_changelist"), 302)]
    assert "Catalog sync enqueued" in response.content.decode()
    run = SyncRun.objects.get()
    assert (run.status, run.trigger, run.triggered_by) == ("succeeded", "staff", staff)
    assert Product.objects.count() == 120


def test_the_admin_sync_url_does_nothing_on_get(client, staff, configured):
    client.force_login(staff)

    response = client.get(reverse("admin:catalog_app_syncrun_sync_now"))

    assert response.status_code == 302
    assert not SyncRun.objects.exists()


def test_a_non_staff_user_is_sent_to_the_admin_login_instead(client, buyer, configured):
    client.force_login(buyer)
    url = reverse("admin:catalog_app_syncrun_sync_now")

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={url}"
    assert not SyncRun.objects.exists()


# --- the catalog page's "Load the catalog now" ---------------------------------------------------


def test_staff_can_load_the_catalog_from_the_empty_catalog_page(client, staff, configured):
    client.force_login(staff)

    response = client.post(reverse("catalog:sync_now"), follow=True)

    assert response.redirect_chain == [(reverse("catalog:product_list"), 302)]
    page = response.content.decode()
    assert "Catalog sync started" in page
    assert "The catalog has not been loaded yet" not in page
    run = SyncRun.objects.get()
    assert (run.trigger, run.triggered_by) == ("staff", staff)


def test_a_buyer_may_not_load_the_catalog(buyer_client, configured):
    response = buyer_client.post(reverse("catalog:sync_now"))

    assert response.status_code == 403
    assert not SyncRun.objects.exists()


def test_loading_the_catalog_needs_a_post(client, staff, configured):
    client.force_login(staff)

    response = client.get(reverse("catalog:sync_now"))

    assert response.status_code == 405
    assert not SyncRun.objects.exists()
