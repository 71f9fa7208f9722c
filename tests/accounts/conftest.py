"""Fixtures for roles, approvals and the audit log.

- `approver`, `other_approver`: accounts in the "Approvers" group; `staff`: a superuser.
- `big_cart`: the buyer's cart with 60,000 cups ($2,880.00, over the $2,500.00 default).
- `place`: places a user's cart as an order (`place(user)`), like the checkout does.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from tests.orders_app import conftest as orders_fixtures

# The orders tests' fixtures, here too: cup, lid, address, the fake supplier.
cup, lid, address = orders_fixtures.cup, orders_fixtures.lid, orders_fixtures.address
supplier, web_supplier = orders_fixtures.supplier, orders_fixtures.web_supplier

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
