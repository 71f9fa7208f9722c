"""Fixtures for the security tests: a small world with two buyers, an approver and staff, where
the first buyer owns an order, a cart line and more — for walking every URL as each of them."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from catalog_app import pictograms


@dataclass
class World:
    buyer: object
    other_buyer: object
    approver: object
    staff: object
    order: object  # the first buyer's, waiting for approval
    sent_order: object  # the first buyer's, accepted by Cup Source
    line: object  # a line in the first buyer's open cart
    address: object
    product: object
    favourite_list: object
    favourite_item: object
    notification: object  # the first buyer's
    mail: object  # a mail in the local outbox (staff read it in the admin)
    standing: object  # the first buyer's standing order (a line of 1,000 cups)

    def values(self) -> dict[str, object]:
        """A value for every URL parameter the project has; the first buyer's ids for what
        belongs to one buyer."""
        return {
            "order_id": self.order.pk,
            "line_id": self.line.pk,
            "address_id": self.address.pk,
            "sku": self.product.sku,
            "list_id": self.favourite_list.pk,
            "item_id": self.favourite_item.pk,
            "uidb64": "MQ",
            "token": "set-password",
            "app_label": "orders_app",
            "object_id": self.order.pk,
            "content_type_id": "1",
            "url": "nowhere/",
            "id": self.buyer.pk,
            "notification_id": self.notification.pk,
            "pk": self.mail.pk,
            "standing_id": self.standing.pk,
            "standing_line_id": self.standing.lines.get().pk,
            "member_id": self.buyer.pk,
            "invitation_id": 1,
            "version": pictograms.VERSION,
            "name": pictograms.pictogram_name(self.product),
        }


@pytest.fixture
def world(db, django_user_model, make_product, synced):
    from favourites.models import SavedList, SavedListItem
    from notifications.models import Notification, OutboxMail
    from orders_app.models import Address, Order, OrderLine
    from orders_app.services import cart_add, cart_for, order_place
    from replenishment.models import StandingOrder
    from replenishment.services import standing_order_create

    buyer = django_user_model.objects.create_user(
        "buyer", password="pw-buyer-123", first_name="Bea", email="bea@example.com"
    )
    other = django_user_model.objects.create_user("other", password="pw-other-123")
    approver = django_user_model.objects.create_user(
        "alice", password="pw-alice-123", first_name="Alice"
    )
    approver.groups.add(Group.objects.get(name="Approvers"))
    staff = django_user_model.objects.create_superuser("sam", "sam@example.com", "pw-sam-123")
    cup = make_product("CS-8OZ-ECO", name="8 oz Eco Paper Cup", min_order_qty=1000)
    address = Address.objects.create(
        label="Main café", line1="1 Main St", city="Portland", state="OR", zip="97201",
        created_by=buyer,
    )  # fmt: skip
    cart_add(user=buyer, product=cup, qty=60_000)
    order = order_place(user=buyer, cart=cart_for(buyer), address=address)
    assert order.state == Order.State.PENDING_APPROVAL
    sent = Order.objects.create(
        placed_by=buyer,
        reference="CB-SENT",
        state=Order.State.ACCEPTED,
        supplier_order_id="ord_0001",
        supplier_status="received",
        payload={"items": [{"sku": cup.sku, "qty": 1000}], "shipping_address": address.as_api()},
        expected_subtotal=Decimal("48"),
        total=Decimal("48"),
        subtotal=Decimal("48"),
        shipping=Decimal("0"),
    )
    OrderLine.objects.create(
        order=sent, product=cup, sku=cup.sku, name=cup.name, qty=1000,
        unit_price=cup.unit_price, line_total=cup.unit_price * 1000,
    )  # fmt: skip
    line, _ = cart_add(user=buyer, product=cup, qty=2000)
    favourite_list = SavedList.objects.create(name="Weekly", created_by=buyer)
    item = SavedListItem.objects.create(saved_list=favourite_list, product=cup, qty=1000)
    notification = Notification.objects.create(
        recipient=buyer, kind="placed", event="test:placed", subject="CB-SENT is placed", url="/"
    )
    mail = OutboxMail.objects.create(to="bea@example.com", subject="Hello", text="Hello")
    standing = standing_order_create(
        user=buyer,
        standing_order=StandingOrder(
            name="Weekly", start_date=date.today() + timedelta(days=7), time_zone="UTC",
            address=address,
        ),
        items=[(cup, 1000)],
    )  # fmt: skip
    return World(
        buyer=buyer,
        other_buyer=other,
        approver=approver,
        staff=staff,
        order=order,
        sent_order=sent,
        line=line,
        address=address,
        product=cup,
        favourite_list=favourite_list,
        favourite_item=item,
        notification=notification,
        mail=mail,
        standing=standing,
    )
