"""The orders tests' fixtures (tests/orders_app/conftest.py), here too: the accounts tests place
orders, approve them and audit it all."""

from tests.orders_app import conftest as orders_fixtures

cup, lid, address = orders_fixtures.cup, orders_fixtures.lid, orders_fixtures.address
supplier, web_supplier = orders_fixtures.supplier, orders_fixtures.web_supplier
approver, other_approver = orders_fixtures.approver, orders_fixtures.other_approver
staff, big_cart, place = orders_fixtures.staff, orders_fixtures.big_cart, orders_fixtures.place
BIG_QTY = orders_fixtures.BIG_QTY
