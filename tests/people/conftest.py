"""The people tests' fixtures: the orders tests' (cup, address, orders…), a signed-in team
admin, and logging in through the real login form (so the session is kept, as in use)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.orders_app import conftest as orders_fixtures

cup, address, supplier = orders_fixtures.cup, orders_fixtures.address, orders_fixtures.supplier
make_order, approver = orders_fixtures.make_order, orders_fixtures.approver


@pytest.fixture
def admin_client(client, team_admin):
    client.force_login(team_admin)
    return client


def log_in(username: str, password: str, **headers) -> Client:
    """A browser of its own, logged in through the login form."""
    browser = Client(**headers)
    response = browser.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, "the login failed"
    return browser


def sent_mails(kind: str):
    """The mails of that kind, built as they would be sent (recipient, subject, text)."""
    from notifications.models import Notification
    from notifications.services import build_mail

    return [build_mail(n) for n in Notification.objects.filter(kind=kind).order_by("pk")]
