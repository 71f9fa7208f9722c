"""Fixtures shared by every test package (loaded with `-p tests.fixtures`, see pyproject)."""

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

UPDATED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def make_product(db):
    """Writes a product into the mirror directly and, as the mirror's writers do, changes its
    version (catalog_app/mirror.py) and rebuilds the search index (catalog_app/search.py)."""
    from catalog_app.mirror import mirror_changed
    from catalog_app.models import LidFit, Product
    from catalog_app.search import search_index_rebuild

    def make(sku, **fields):
        defaults = {
            "name": f"Product {sku}",
            "category": "cups",
            "material": "paper",
            "capacity_oz": 8,
            "unit_price": Decimal("0.0480"),
            "case_pack": 1000,
            "min_order_qty": 1000,
            "stock": 100_000,
            "lead_time_days": 3,
            "description": "A product.",
            "compatible_lids": [],
            "supplier_updated_at": UPDATED,
        }
        defaults.update(fields)
        product = Product.objects.create(sku=sku, **defaults)
        LidFit.objects.bulk_create(
            LidFit(product=product, lid_sku=lid) for lid in product.compatible_lids
        )
        search_index_rebuild()
        mirror_changed()
        product.refresh_from_db()  # as the code gets it: decimals as Decimal, not as typed
        return product

    return make


@pytest.fixture
def synced(db):
    """Mark the mirror as synced so pages show the catalog rather than the empty state."""
    from catalog_app.models import SyncRun

    return SyncRun.objects.create(trigger="command", status="succeeded", finished_at=UPDATED)


@pytest.fixture
def no_api(monkeypatch):
    """Every outgoing HTTP request in this process fails (and is recorded): proof that the code
    under test never calls the supplier API."""
    calls = []

    def refuse(self, request):
        calls.append(request)
        raise httpx.ConnectError("API calls are forbidden in this test", request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refuse)
    return calls


def refuse_nul_like_postgresql(execute, sql, params, many, context):
    """A database execute wrapper: psycopg refuses a NUL character in a text parameter
    (PostgreSQL text cannot hold one: psycopg.DataError) while SQLite stores it; refuse it
    here too, with the error Django raises for psycopg's."""
    from django.db import DataError

    for row in (params if many else [params]) or []:
        values = row.values() if isinstance(row, dict) else row or []
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    return execute(sql, params, many, context)


@pytest.fixture
def nul_refused(db):
    """Queries with a NUL character in a text parameter fail, as they do on PostgreSQL: a view
    that would answer a server error there does so on SQLite too."""
    from django.db import connection

    with connection.execute_wrapper(refuse_nul_like_postgresql):
        yield


@pytest.fixture
def buyer(django_user_model):
    return django_user_model.objects.create_user("buyer", password="pw-buyer-123", first_name="Bea")


@pytest.fixture
def other_buyer(django_user_model):
    return django_user_model.objects.create_user("other", password="pw-other-123")


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def pytest_sessionstart(session):
    from django.conf import settings

    # Real password hashing costs ~0.3 s a login; tests do not need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_caches(request):
    """Each test with a database starts with empty caches (the request budget, locks and
    schedules live there; the shared cache may be a database table, so it needs the database)."""
    names = set(request.fixturenames)
    if names & {"transactional_db", "live_server"}:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from django.core.cache import caches

    for alias in ("default", "shared"):
        caches[alias].clear()


@pytest.fixture
def team_admin(django_user_model):
    """A team admin (the "Team admins" group: manages people, addresses and lists; approves)."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "tara", password="pw-tara-123", first_name="Tara", last_name="Admin", email="tara@cafe.test"
    )
    user.groups.add(*Group.objects.filter(name__in=["Buyers", "Approvers", "Team admins"]))
    return user


@pytest.fixture
def buyer_is_team_admin(buyer):
    """The `buyer` fixture, made a team admin too (for the address book's edits)."""
    from django.contrib.auth.models import Group

    buyer.groups.add(Group.objects.get(name="Team admins"))
    return buyer


@pytest.fixture
def role_groups(transactional_db):
    """The role groups, for tests on a live server: a transactional test flushes the tables
    after itself, and with them the groups the data migrations made (accounts 0002, 0005)."""
    from django.contrib.auth.models import Group, Permission

    approve = Permission.objects.get(codename="approve_order")
    manage = Permission.objects.get(codename="manage_team")
    Group.objects.get_or_create(name="Buyers")
    Group.objects.get_or_create(name="Approvers")[0].permissions.add(approve)
    Group.objects.get_or_create(name="Team admins")[0].permissions.add(approve, manage)
