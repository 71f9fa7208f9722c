import pytest

from orders_app.quantities import QuantityParseError, check_quantity, parse_quantity, smallest_order


@pytest.fixture
def cup(make_product):
    return make_product("CS-CUP", case_pack=1000, min_order_qty=2000, stock=10_000)


def test_a_whole_number_of_cases_above_the_minimum_is_fine(cup):
    check = check_quantity(cup, 5000)
    assert check.ok and not check.warning


def test_it_rejects_quantity_off_case_pack_and_offers_the_nearest(cup):
    check = check_quantity(cup, 4500)
    assert not check.ok
    assert "cases of 1,000" in check.error
    assert check.suggestions == [4000, 5000]


def test_it_never_suggests_less_than_the_minimum(cup):
    assert check_quantity(cup, 1500).suggestions == [2000]


def test_it_rejects_less_than_the_minimum(cup):
    check = check_quantity(cup, 1000)
    assert not check.ok and "minimum order" in check.error
    assert check.suggestions == [2000]


@pytest.mark.parametrize("qty", [0, -1000])
def test_it_rejects_nothing_or_negative(cup, qty):
    assert not check_quantity(cup, qty).ok


def test_more_than_the_stock_is_a_warning_not_an_error(cup):
    check = check_quantity(cup, 20_000)
    assert check.ok
    assert "Only 10,000 in stock" in check.warning


def test_a_discontinued_product_cannot_be_ordered(make_product):
    old = make_product("CS-OLD", discontinued=True)
    assert "no longer offered" in check_quantity(old, 1000).error


def test_the_smallest_order_rounds_the_minimum_up_to_cases(make_product):
    assert smallest_order(make_product("CS-X", case_pack=300, min_order_qty=1000)) == 1200


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("5000", 5000),
        ("5,000", 5000),
        ("5 cases", 5000),
        ("5cs", 5000),
        ("1 case", 1000),
        ("3c", 3000),
    ],
)
def test_it_reads_units_or_cases(cup, text, units):
    assert parse_quantity(text, cup) == units


@pytest.mark.parametrize("text", ["", "five", "5.5", "-3", "5 boxes"])
def test_it_refuses_what_is_not_a_quantity(cup, text):
    with pytest.raises(QuantityParseError):
        parse_quantity(text, cup)
