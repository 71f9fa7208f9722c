"""The orders tests' fixtures, for the tests that place an order through the real client."""

from tests.orders_app import conftest as orders_fixtures

cup, address = orders_fixtures.cup, orders_fixtures.address
cart_with_cup = orders_fixtures.cart_with_cup
