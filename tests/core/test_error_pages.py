"""400, 403, 404 and 500 in the site's look, saying what happened and where to go next (the
test run has DEBUG off, as production)."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client

pytestmark = pytest.mark.urls("tests.core.error_urls")


def test_the_run_has_debug_off():
    assert settings.DEBUG is False  # else Django shows its technical pages, not these


def test_an_unknown_address_gets_the_404_page(buyer_client):
    response = buyer_client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.text
    assert "There's no such page" in page and "<code>/no-such-page/</code>" in page
    assert 'href="/catalog/"' in page and "Cupboard" in page
    assert 'class="main-nav"' in page  # the site's frame, with the buyer's navigation
    assert 'aria-current="page"' not in page  # no section of the site claims this address


def test_the_404_page_shows_the_address_harmlessly(buyer_client):
    response = buyer_client.get("/<b>x</b>/")
    assert response.status_code == 404
    assert "<b>x" not in response.text and "<code>/%3Cb%3Ex%3C/b%3E/</code>" in response.text


def test_a_refused_permission_gets_the_403_page(buyer_client):
    response = buyer_client.get("/test-denied/")
    assert response.status_code == 403
    assert "This page isn't open to you" in response.text
    assert "signed in as <strong>buyer</strong>" in response.text
    assert "not for you" not in response.text  # the exception's words are for developers


def test_a_suspicious_request_gets_the_400_page(buyer_client):
    response = buyer_client.get("/test-suspicious/")
    assert response.status_code == 400
    assert "Cupboard couldn't read that request" in response.text
    assert "makes no sense" not in response.text


def test_an_unknown_host_gets_the_400_page(db):
    response = Client().get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "Cupboard couldn't read that request" in response.text


def test_a_server_error_gets_the_500_page_with_its_reference(buyer):
    client = Client(raise_request_exception=False)
    client.force_login(buyer)
    response = client.get("/test-broken/", headers={"X-Request-ID": "req-broken-1"})
    assert response.status_code == 500
    page = response.text
    assert "Something went wrong on our side" in page and 'href="/orders/"' in page
    assert "<code>req-broken-1</code>" in page
    assert "a bug" not in page and "Traceback" not in page


def test_the_500_page_needs_no_context_request_or_database():  # no db fixture: none allowed
    page = render_to_string("500.html")
    assert "Something went wrong on our side" in page
    assert "reference" not in page  # no request: no id to quote
    assert "<script" not in page  # nothing that needs the request's CSP nonce
