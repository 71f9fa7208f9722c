"""Fixtures of the orders tests (also used by the accounts tests).

- `cup`, `lid`, `address`, `cart_with_cup`; `supplier` (a fake Cup Source), `web_supplier`
  (the views talk to it), `make_order`.
- Approvals: `approver`, `other_approver` (accounts in the "Approvers" group), `staff` (a
  superuser), `big_cart` (the buyer's cart with 60,000 cups, $2,880.00, over the $2,500.00
  default), `place` (places a user's cart as an order, `place(user)`, like the checkout does).
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from tests.orders_app.fakes import FakeSupplier


@pytest.fixture
def supplier():
    return FakeSupplier()


@pytest.fixture
def cup(make_product):
    return make_product(
        "CS-8OZ-ECO",
        name="8 oz Eco Paper Cup",
        case_pack=1000,
        min_order_qty=2000,
        stock=100_000,
        compatible_lids=["CS-DOME-LID"],
    )


@pytest.fixture
def lid(make_product):
    return make_product(
        "CS-DOME-LID",
        name="Dome Lid",
        category="lids",
        capacity_oz=None,
        case_pack=500,
        min_order_qty=500,
        unit_price="0.0300",
    )


@pytest.fixture
def address(db, buyer):
    from orders_app.models import Address

    return Address.objects.create(
        label="Main café",
        name="Bea's Café",
        line1="123 Commerce Way",
        city="Portland",
        state="OR",
        zip="97201",
        created_by=buyer,
    )


@pytest.fixture
def cart_with_cup(buyer, cup):
    from orders_app.services import cart_add, cart_for

    cart_add(user=buyer, product=cup, qty=5000)
    return cart_for(buyer)


@pytest.fixture
def web_supplier(supplier, monkeypatch):
    """Views talk to the fake supplier."""
    for module in (
        "orders_app.views.checkout",
        "orders_app.views.orders",
        "orders_app.views.approvals",
    ):
        monkeypatch.setattr(f"{module}.get_web_client", supplier.client)
    return supplier


@pytest.fixture
def make_order(request, buyer, cup, address, supplier):
    """`make_order(user=buyer, qty=5000, po="", with_lid=False, submit=True)`: an order placed
    from a cart with the cup (and a case of lids), sent to the fake supplier unless told not."""
    from orders_app.services import cart_add, cart_for, order_place, order_submit

    def make(user=buyer, qty=5000, po="", with_lid=False, submit=True):
        cart_add(user=user, product=cup, qty=qty)
        if with_lid:
            cart_add(user=user, product=request.getfixturevalue("lid"), qty=1000)
        order = order_place(user=user, cart=cart_for(user), address=address, po_number=po)
        if submit:
            with supplier.client() as client:
                order_submit(order=order, client=client)
        order.refresh_from_db()
        return order

    return make


BIG_QTY = 60_000  # × $0.048 = $2,880.00


@pytest.fixture
def approver(django_user_model):
    user = django_user_model.objects.create_user(
        "alice", password="pw-alice-123", first_name="Alice", last_name="Approver"
    )
    user.groups.add(Group.objects.get(name="Approvers"))
    return user


@pytest.fixture
def other_approver(django_user_model):
    user = django_user_model.objects.create_user("olga", password="pw-olga-123", first_name="Olga")
    user.groups.add(Group.objects.get(name="Approvers"))
    return user


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser(
        "sam", email="sam@example.com", password="pw-sam-123", first_name="Sam"
    )


@pytest.fixture
def big_cart(buyer, cup):
    from orders_app.services import cart_add, cart_for

    cart_add(user=buyer, product=cup, qty=BIG_QTY)
    cart = cart_for(buyer)
    assert sum(line.line_total for line in cart.lines.all()) == Decimal("2880.0000")
    return cart


@pytest.fixture
def place(cup, address):
    from orders_app.services import cart_add, cart_for, order_place

    def place_for(user, qty=BIG_QTY):
        if not cart_for(user).lines.exists():
            cart_add(user=user, product=cup, qty=qty)
        return order_place(user=user, cart=cart_for(user), address=address)

    return place_for
