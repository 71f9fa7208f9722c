import pytest

from orders_app.models import Cart, CartLine
from orders_app.services import (
    CartError,
    cart_add,
    cart_add_lines,
    cart_for,
    lid_quantity,
    matching_lid,
)


def test_a_buyer_has_one_open_cart(buyer):
    assert cart_for(buyer) == cart_for(buyer)
    assert Cart.objects.filter(user=buyer, status="open").count() == 1


def test_adding_again_adds_to_the_line(buyer, cup):
    cart_add(user=buyer, product=cup, qty=2000)
    line, _ = cart_add(user=buyer, product=cup, qty=3000)
    assert line.qty == 5000
    assert CartLine.objects.count() == 1


def test_an_invalid_total_adds_nothing(buyer, cup):
    cart_add(user=buyer, product=cup, qty=2000)
    with pytest.raises(CartError) as exc:
        cart_add(user=buyer, product=cup, qty=500)
    assert exc.value.checks["CS-8OZ-ECO"].suggestions == [2000, 3000]
    assert CartLine.objects.get().qty == 2000


def test_several_lines_go_in_all_or_none(buyer, cup, lid):
    with pytest.raises(CartError):
        cart_add_lines(user=buyer, items=[(cup, 5000), (lid, 123)])
    assert not CartLine.objects.exists()
    cart_add_lines(user=buyer, items=[(cup, 5000), (lid, 5000)])
    assert CartLine.objects.count() == 2


def test_a_stock_warning_still_adds(buyer, make_product):
    scarce = make_product("CS-SCARCE", case_pack=100, min_order_qty=100, stock=200)
    line, check = cart_add(user=buyer, product=scarce, qty=1000)
    assert line.qty == 1000 and "Only 200 in stock" in check.warning


def test_carts_are_per_buyer(buyer, other_buyer, cup):
    cart_add(user=buyer, product=cup, qty=2000)
    assert not cart_for(other_buyer).lines.exists()


def test_a_cup_has_a_matching_lid_in_whole_cases(cup, lid):
    assert matching_lid(cup) == lid
    assert matching_lid(lid) is None
    assert lid_quantity(lid, 5000) == 5000
    assert lid_quantity(lid, 5200) == 5500
