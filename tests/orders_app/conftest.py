import pytest

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
    for module in ("orders_app.views.checkout", "orders_app.views.orders"):
        monkeypatch.setattr(f"{module}.get_web_client", supplier.client)
    return supplier
