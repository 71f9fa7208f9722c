"""Staff order on a buyer's behalf: the cart and checkout are the buyer's, the order records
both names (its history, the audit log, the buyer's mail), and staff never approve it."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from notifications.models import Notification
from notifications.services import build_mail
from orders_app.models import Order
from orders_app.services import ApprovalError, order_approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def order_for(staff_client, buyer, cup, address, qty=5000):
    staff_client.post(reverse("orders:on_behalf"), {"buyer": buyer.pk})
    staff_client.post(reverse("orders:cart_add"), {"sku": cup.sku, "qty": qty, "unit": "units"})
    cart = buyer.carts.get(status="open")
    return staff_client.post(reverse("orders:checkout"), {"address": address.pk, "cart": cart.pk})


def test_staff_build_the_buyers_cart_and_place_it_as_theirs(
    staff_client, staff, buyer, cup, address, web_supplier
):
    buyer.email = "bea@cafe.test"
    buyer.save()
    page = staff_client.get(reverse("orders:on_behalf"))
    assert page.status_code == 200 and "Bea (buyer)" in page.text and "(sam)" not in page.text
    response = order_for(staff_client, buyer, cup, address)
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "orders:order_detail", args=[order.pk]
    )
    assert order.placed_by == buyer and order.placed_on_behalf_by == staff
    assert not staff.carts.filter(lines__isnull=False).exists()  # staff's own cart untouched
    assert "(staff) for Bea" in order.events.first().message
    entry = AuditEntry.objects.get(action="order_on_behalf")
    assert entry.actor == staff and "for Bea by" in entry.summary
    assert entry.details["buyer"] == "buyer" and entry.details["on_behalf_by"] == staff.username
    detail = staff_client.get(response.url).text
    assert "entered for them by" in detail
    [mail] = [build_mail(n) for n in Notification.objects.filter(kind="placed")]
    assert mail.to == ["bea@cafe.test"]
    assert "placed by Bea (entered for them by" in mail.body


def test_banner_and_stop(staff_client, buyer):
    staff_client.post(reverse("orders:on_behalf"), {"buyer": buyer.pk})
    assert "Ordering for <strong>Bea</strong>" in staff_client.get(reverse("orders:cart")).text
    staff_client.post(reverse("orders:on_behalf_stop"))
    assert "Ordering for" not in staff_client.get(reverse("orders:cart")).text


@pytest.mark.parametrize("buyer_id", ["", "abc", "999999"])
def test_a_bad_choice_is_refused_next_to_the_field(staff_client, buyer_id):
    response = staff_client.post(reverse("orders:on_behalf"), {"buyer": buyer_id})
    assert response.status_code == 400 and 'class="field has-error"' in response.text
    assert "on_behalf_of" not in staff_client.session


def test_staff_cannot_order_for_other_staff(staff_client, django_user_model):
    other = django_user_model.objects.create_user("ops", password="pw-ops-12345", is_staff=True)
    response = staff_client.post(reverse("orders:on_behalf"), {"buyer": other.pk})
    assert response.status_code == 400


def test_only_staff_may_order_for_someone(buyer_client, other_buyer):
    assert buyer_client.get(reverse("orders:on_behalf")).status_code == 404
    assert (
        buyer_client.post(reverse("orders:on_behalf"), {"buyer": other_buyer.pk}).status_code == 404
    )
    buyer_client.post(reverse("orders:cart"))
    session = buyer_client.session
    session["on_behalf_of"] = other_buyer.pk  # even a forged session does nothing
    session.save()
    assert "Ordering for" not in buyer_client.get(reverse("orders:cart")).text


def test_staff_never_approve_an_order_they_or_others_entered(
    staff_client, staff, buyer, cup, address, approver, web_supplier, django_user_model
):
    order_for(staff_client, buyer, cup, address, qty=60_000)  # over the $2,500 threshold
    order = Order.objects.get()
    assert order.state == Order.State.PENDING_APPROVAL
    requested = Notification.objects.filter(kind="approval_requested")
    assert set(requested.values_list("recipient__username", flat=True)) == {"alice"}
    page = staff_client.get(reverse("orders:approval_detail", args=[order.pk])).text
    assert "never staff" in page and reverse("orders:order_approve", args=[order.pk]) not in page
    response = staff_client.post(reverse("orders:order_approve", args=[order.pk]))
    order.refresh_from_db()
    assert response.status_code == 302 and order.state == Order.State.PENDING_APPROVAL
    other_staff = django_user_model.objects.create_superuser("ops", "ops@x.test", "pw-ops-12345")
    with pytest.raises(ApprovalError, match="never approve"):
        order_approve(order=order, approver=other_staff)
    assert order_approve(order=order, approver=approver).state == Order.State.QUEUED
