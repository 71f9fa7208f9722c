"""The sandbox's models in the Django admin (served by the dashboard's admin site)."""

import pytest
from django.contrib.admin.utils import quote
from django.urls import reverse

from sandbox.models import ApiKey, Order
from sandbox.services import hash_key

ORDER = {
    "items": [{"sku": "CS-8OZ-ECO", "qty": 1000}],
    "shipping_address": {"line1": "1 A", "city": "Bend", "state": "OR", "zip": "97701"},
    "currency": "USD",
}


@pytest.mark.parametrize("model", ["account", "apikey", "product", "order", "idempotencyrecord"])
def test_every_sandbox_changelist_opens(sandbox_api, admin_client, model):
    response = admin_client.get(f"/admin/sandbox/{model}/")

    assert response.status_code == 200


def test_a_key_page_shows_the_prefix_but_never_the_hash(sandbox_api, admin_client):
    stored = ApiKey.objects.get(key_hash=hash_key(sandbox_api.api_key))

    page = admin_client.get(f"/admin/sandbox/apikey/{stored.pk}/change/").content.decode()

    assert stored.prefix in page
    assert stored.key_hash not in page
    assert sandbox_api.api_key not in page


def test_an_order_page_shows_its_lines(sandbox_api, admin_client):
    sandbox_api.client.post("/v1/orders", ORDER, content_type="application/json")
    order = Order.objects.get()

    # The admin escapes characters in a primary key ("ord_3a…" would read as "ord:…").
    change = reverse("admin:sandbox_order_change", args=[quote(order.pk)])
    page = admin_client.get(change).content.decode()

    assert "CS-8OZ-ECO" in page
    assert order.id in page


def test_products_can_be_searched_by_sku(sandbox_api, admin_client):
    page = admin_client.get("/admin/sandbox/product/?q=DOME-LID").content.decode()

    assert "CS-DOME-LID" in page
    assert "CS-8OZ-ECO" not in page
