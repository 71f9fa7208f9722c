import pytest

from tests.orders_app import conftest as orders_fixtures

# For saving a past order as a list (test_save_lines.py): orders placed with the fake supplier.
address, lid, supplier = orders_fixtures.address, orders_fixtures.lid, orders_fixtures.supplier
make_order = orders_fixtures.make_order


@pytest.fixture
def cup(make_product):
    return make_product("CS-8OZ-ECO", name="8 oz Eco Paper Cup", case_pack=1000, min_order_qty=2000)


@pytest.fixture
def bowl(make_product):
    return make_product("CS-BOWL-16", name="16 oz Bowl", category="bowls", case_pack=500,
                        min_order_qty=500, capacity_oz=16)  # fmt: skip


@pytest.fixture
def weekly(buyer):
    from favourites.models import SavedList

    return SavedList.objects.create(name="Weekly café", created_by=buyer, updated_by=buyer)
