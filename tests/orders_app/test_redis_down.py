"""Redis down takes no page down (core/cache.py): signed-in pages keep working, the request
budget fails closed (nothing sent, the order queued), /readyz says so in JSON."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from orders_app.models import Order
from orders_app.services import cart_add
from tests.core.test_cache import closed_port


@pytest.fixture
def redis_down(settings):
    """Both caches on a Redis nobody listens to, as CACHE_URL=redis://… configures them."""
    config = {
        "BACKEND": "core.cache.FailSoftRedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
    settings.CACHES = {"default": config, "shared": config}
    yield
    for alias in ("default", "shared"):
        caches[alias].close()


def test_signed_in_pages_work_with_redis_down(
    redis_down, buyer_client, buyer, cup, address, synced, no_api
):
    cart_add(user=buyer, product=cup, qty=5000)
    for url in [
        reverse("home"),
        reverse("catalog:product_list"),
        reverse("catalog:product_detail", args=["CS-8OZ-ECO"]),
        reverse("orders:cart"),
        reverse("orders:order_list"),
        reverse("orders:checkout"),
    ]:
        assert buyer_client.get(url).status_code == 200, url


def test_an_order_placed_with_redis_down_waits_queued_and_nothing_is_sent(
    redis_down, buyer_client, buyer, cup, address, no_api
):
    cart_add(user=buyer, product=cup, qty=5000)
    response = buyer_client.post(reverse("orders:checkout"), {"address": address.pk})
    order = Order.objects.get()
    assert response.status_code == 302
    assert order.state == Order.State.QUEUED  # the budget could not be read: fail closed
    assert no_api == []  # not a single request went out unbudgeted


def test_readyz_says_the_cache_is_down_in_json(redis_down, client, db):
    response = client.get("/readyz", headers={"host": "10.0.0.7"})
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True
