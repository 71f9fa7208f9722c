from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.once import new_token
from orders_app.models import Order
from orders_app.services import cart_for
from tests.orders_app.test_tracking_service import tracking_json


def test_the_list_shows_only_my_orders(buyer_client, make_order, other_buyer):
    mine = make_order(po="PO-MINE")
    make_order(user=other_buyer, po="PO-THEIRS")
    body = buyer_client.get(reverse("orders:order_list")).content.decode()
    assert "PO-MINE" in body and "PO-THEIRS" not in body
    assert reverse("orders:order_detail", args=[mine.pk]) in body


def test_the_list_filters_by_status_reference_and_date(buyer_client, make_order):
    placed = make_order(po="PO-A")
    pending = make_order(po="PO-B", submit=False)
    Order.objects.filter(pk=placed.pk).update(created_at=timezone.now() - timedelta(days=40))

    def refs(**params):
        return [
            o.reference
            for o in buyer_client.get(reverse("orders:order_list"), params).context["page"]
        ]

    assert refs(status="received") == ["PO-A"]
    assert refs(status="pending") == ["PO-B"]
    assert refs(reference="po-a") == ["PO-A"]
    assert refs(placed_from=(timezone.now() - timedelta(days=1)).date().isoformat()) == ["PO-B"]
    assert pending.state == Order.State.SUBMITTING


def test_bad_filters_are_a_400_with_a_message(buyer_client, db):
    response = buyer_client.get(reverse("orders:order_list"), {"placed_from": "yesterday"})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()


def test_no_orders_yet_says_what_to_do(buyer_client, db):
    assert "No orders yet" in buyer_client.get(reverse("orders:order_list")).content.decode()


def test_the_detail_shows_lines_totals_address_who_and_history(buyer_client, make_order):
    order = make_order(po="PO-1")
    body = buyer_client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    for text in [
        "CS-8OZ-ECO",
        "5,000",
        "$250.00",
        "123 Commerce Way",
        "Portland, OR 97201",
        "Bea",
        "PO-1",
        "accepted the order as ord_0001",
    ]:
        assert text in body


@pytest.mark.parametrize("name", ["order_detail", "order_tracking"])
def test_another_buyers_order_is_404_when_buyers_see_only_their_own(
    client, other_buyer, make_order, name, settings
):
    settings.ORDER_VISIBILITY = "own"
    order = make_order()
    client.force_login(other_buyer)
    assert client.get(reverse(f"orders:{name}", args=[order.pk])).status_code == 404


def test_a_colleagues_order_is_shown_read_only_by_default(client, other_buyer, make_order):
    order = make_order(po="PO-COLLEAGUE")
    client.force_login(other_buyer)
    page = client.get(reverse("orders:order_detail", args=[order.pk])).text
    assert "Bea's order, shown read-only" in page
    for action in ("order_reorder", "order_cancel", "order_resubmit"):
        assert reverse(f"orders:{action}", args=[order.pk]) not in page
    assert client.get(reverse("orders:order_tracking", args=[order.pk])).status_code == 200
    mine = client.get(reverse("orders:order_list")).text
    assert "PO-COLLEAGUE" not in mine  # the list starts with one's own orders
    team = client.get(reverse("orders:order_list"), {"whose": "team"}).text
    assert "PO-COLLEAGUE" in team and "by Bea" in team


def test_the_team_admins_choice_hides_colleagues_orders(
    client, other_buyer, make_order, team_admin
):
    from accounts.models import TeamSettings

    order = make_order(po="PO-COLLEAGUE")
    TeamSettings.objects.create(order_visibility="own")
    client.force_login(other_buyer)
    assert client.get(reverse("orders:order_detail", args=[order.pk])).status_code == 404
    team = client.get(reverse("orders:order_list"), {"whose": "team"}).text
    assert "PO-COLLEAGUE" not in team and 'name="whose"' not in team


@pytest.mark.parametrize("name", ["order_reorder", "order_resubmit", "order_cancel"])
def test_another_buyers_order_actions_are_404(client, other_buyer, make_order, name):
    order = make_order()
    client.force_login(other_buyer)
    assert client.post(reverse(f"orders:{name}", args=[order.pk])).status_code == 404


def test_reorder_puts_the_lines_in_the_cart(buyer_client, buyer, make_order):
    order = make_order()
    response = buyer_client.post(
        reverse("orders:order_reorder", args=[order.pk]), {"once": new_token()}
    )
    assert response["Location"] == reverse("orders:cart")
    assert cart_for(buyer).lines.get().qty == 5000


def test_reorder_skips_what_today_s_catalog_refuses_and_says_so(
    buyer_client, buyer, make_order, cup
):
    order = make_order()
    cup.case_pack = 3000
    cup.save()
    response = buyer_client.post(
        reverse("orders:order_reorder", args=[order.pk]), {"once": new_token()}, follow=True
    )
    assert not cart_for(buyer).lines.exists()
    assert "Not added: CS-8OZ-ECO comes in cases of 3,000" in response.content.decode()


def test_the_tracking_page_shows_status_signature_and_events(
    buyer_client, make_order, supplier, web_supplier
):
    order = make_order()
    supplier.tracking["ord_0001"] = tracking_json("ord_0001")
    body = buyer_client.get(reverse("orders:order_tracking", args=[order.pk])).content.decode()
    for text in [
        "In transit",
        "Signature required",
        "UPS",
        "1Z999",
        "Tuesday, Dec 1",
        "On its way",
        'hx-trigger="every 30s"',
    ]:
        assert text in body


def test_the_tracking_partial_stops_polling_once_delivered(
    buyer_client, make_order, supplier, web_supplier
):
    order = make_order()
    supplier.tracking["ord_0001"] = tracking_json("ord_0001", "delivered")
    response = buyer_client.get(
        reverse("orders:order_tracking", args=[order.pk]), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="tracking-panel"')
    assert "Delivered" in body and "every 30s" not in body


def test_tracking_when_the_api_is_down_shows_the_last_copy_and_its_age(
    buyer_client, make_order, supplier, web_supplier
):
    order = make_order()
    supplier.tracking["ord_0001"] = tracking_json("ord_0001")
    buyer_client.get(reverse("orders:order_tracking", args=[order.pk]))
    Order.objects.filter(pk=order.pk).update(
        tracking_checked_at=timezone.now() - timedelta(minutes=3)
    )
    supplier.down = True
    body = buyer_client.get(reverse("orders:order_tracking", args=[order.pk])).content.decode()
    assert "In transit" in body
    assert "Couldn&#x27;t" not in body  # template text is literal; only data is escaped
    assert "refresh just now" in body and "answering right now" in body


def test_tracking_before_acceptance_explains(buyer_client, make_order, web_supplier):
    order = make_order(submit=False)
    body = buyer_client.get(reverse("orders:order_tracking", args=[order.pk])).content.decode()
    assert "Tracking starts once Cup Source has accepted the order" in body
