import pytest
from django.urls import reverse

from catalog_app.models import SyncRun  # noqa: F401  (the app must load)
from cupsource import APIConnectionError
from supplier.client import get_client


def test_it_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_login_page_logs_a_buyer_in(client, buyer):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "Log in to Cupboard" in page.content.decode()
    response = client.post(reverse("login"), {"username": "buyer", "password": "pw-buyer-123"})
    assert response["Location"] == reverse("home")


def test_a_wrong_password_says_so(client, buyer):
    response = client.post(reverse("login"), {"username": "buyer", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_home_shows_the_supplier_connected_after_it_answered(client, buyer, sandbox, settings):
    sandbox.configure(settings)
    with get_client() as api:
        api.list_products(per_page=1)
    client.force_login(buyer)

    body = client.get(reverse("home")).content.decode()

    assert "Connected" in body
    assert "Cup Source answered" in body  # "now" or "N seconds ago", as the machine goes


def test_home_never_calls_the_supplier(client, buyer, sandbox, settings):
    from sandbox.models import RequestLog

    sandbox.configure(settings)
    client.force_login(buyer)
    for _ in range(5):
        client.get(reverse("home"))
    assert RequestLog.objects.count() == 0


def test_home_says_when_the_supplier_is_unreachable(client, buyer, settings):
    settings.CUPSOURCE_API_URL = "http://127.0.0.1:9/v1"  # nothing listens on the discard port
    with pytest.raises(APIConnectionError), get_client(max_retries=0) as api:
        api.list_products(per_page=1)
    client.force_login(buyer)

    body = client.get(reverse("home")).content.decode()

    assert "Unreachable" in body
    assert "the connection to it failed" in body
    assert "keeps working" in body


def test_home_says_when_nothing_has_been_heard_from_the_supplier(client, buyer):
    client.force_login(buyer)

    body = client.get(reverse("home")).content.decode()

    assert "Not checked yet" in body
    assert "worker is running" in body
