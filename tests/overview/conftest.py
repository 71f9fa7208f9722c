"""The orders tests' fixtures, for the overview's tests that need real orders."""

from tests.orders_app import conftest as orders_fixtures

cup, address, supplier = orders_fixtures.cup, orders_fixtures.address, orders_fixtures.supplier
make_order = orders_fixtures.make_order
