"""CSRF: a POST without the token is refused everywhere; htmx sends the token in a header."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.urlwalk import routes

pytestmark = pytest.mark.django_db


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


# The one exemption: the unsubscribe link in a mail, which mail programs POST with no page and
# no cookie (RFC 8058 one-click). Its credential is the signed token in the URL itself; a
# forged or changed token is refused (tests/notifications/test_unsubscribe.py).
CSRF_EXEMPT = {"notifications:unsubscribe"}
# The probes, answered before the CSRF check (overview.health.HealthCheckMiddleware, ahead of
# sessions): they take GET only, so a POST is a 405 that does nothing.
READ_ONLY_PROBES = {"healthz", "readyz"}


def test_a_post_without_the_token_is_refused_on_every_url(world):
    """No view is exempt from CSRF protection (but the one-click unsubscribe link)."""
    values = world.values()
    for user in (None, world.buyer, world.staff):
        client = csrf_client(user)
        for route in routes():
            if route.name in CSRF_EXEMPT:
                assert client.post(route.url(values)).status_code == 400  # not a signed token
                continue
            url = route.url(values)
            response = client.post(url)
            if route.name in READ_ONLY_PROBES:
                assert response.status_code == 405, url
                continue
            if response.status_code == 302:  # anonymous: sent to log in before anything
                assert user is None, url
                continue
            assert response.status_code == 403, f"{user}: {url}"
    world.order.refresh_from_db()
    assert world.order.state == "pending_approval"


def test_htmx_requests_with_the_token_header_work(world, make_product):
    client = csrf_client(world.buyer)
    page = client.get(reverse("catalog:product_list")).text
    token = re.search(r'hx-headers=\'\{"x-csrftoken": "([^"]+)"\}\'', page).group(1)
    data = {"sku": world.product.sku, "qty": "2", "unit": "cases"}
    refused = client.post(reverse("orders:cart_add"), data, headers={"HX-Request": "true"})
    assert refused.status_code == 403
    accepted = client.post(
        reverse("orders:cart_add"), data, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert accepted.status_code == 200
    assert world.buyer.carts.get(status="open").lines.get().qty == 4_000


def test_a_plain_form_with_the_token_works(world):
    client = csrf_client(world.buyer)
    page = client.get(reverse("orders:order_detail", args=[world.sent_order.pk])).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("orders:order_reorder", args=[world.sent_order.pk]),
        {"csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response.url == reverse("orders:cart")


def test_the_login_form_needs_the_token_too(buyer):
    client = csrf_client()
    response = client.post(reverse("login"), {"username": "buyer", "password": "pw-buyer-123"})
    assert response.status_code == 403
