"""The deterministic catalog generator (sandbox/catalog.py)."""

from decimal import Decimal

import pytest

from sandbox import catalog


@pytest.fixture(scope="module")
def products() -> list[dict]:
    return catalog.generate(300)


def test_it_is_deterministic_and_prefix_stable(products):
    assert catalog.generate(300) == products
    assert catalog.generate(120) == [
        {**p, "compatible_lids": [s for s in p["compatible_lids"] if s in _skus(products[:120])]}
        for p in products[:120]
    ]


def _skus(products) -> set[str]:
    return {p["sku"] for p in products}


def test_skus_are_unique(products):
    assert len(_skus(products)) == 300
    assert len(_skus(catalog.generate(6000))) == 6000


def test_it_starts_with_the_portal_skus_stocked_for_the_portal_example(products):
    cup, lid = products[:2]

    assert (cup["sku"], cup["category"], cup["material"], cup["capacity_oz"]) == (
        "CS-8OZ-ECO",
        "cups",
        "paper",
        8,
    )
    assert (lid["sku"], lid["category"], lid["capacity_oz"]) == ("CS-DOME-LID", "lids", None)
    assert "CS-DOME-LID" in cup["compatible_lids"]
    for product in (cup, lid):
        assert product["stock"] >= 100_000
        assert 5000 % product["case_pack"] == 0
        assert product["min_order_qty"] <= 5000


def test_it_spans_categories_materials_and_capacities(products):
    assert {(p["category"], p["material"]) for p in products} == {
        (category, material)
        for category in ("cups", "bowls", "lids")
        for material in ("paper", "plastic", "bioplastic")
    }
    capacities = {p["capacity_oz"] for p in products if p["category"] != "lids"}
    assert min(capacities) == 4
    assert max(capacities) == 32


def test_cups_and_bowls_list_one_to_three_existing_lids(products):
    by_sku = {p["sku"]: p for p in products}

    for product in products:
        if product["category"] == "lids":
            assert product["compatible_lids"] == []
        else:
            assert 1 <= len(product["compatible_lids"]) <= 3, product["sku"]
            assert all(by_sku[sku]["category"] == "lids" for sku in product["compatible_lids"])


def test_plastic_and_bioplastic_cups_take_lids_of_their_own_material(products):
    by_sku = {p["sku"]: p for p in products}

    for product in products:
        if product["category"] != "lids" and product["material"] != "paper":
            lids = [by_sku[sku] for sku in product["compatible_lids"]]
            assert {lid["material"] for lid in lids} == {product["material"]}


def test_quantities_prices_and_stock_are_sensible(products):
    for product in products:
        assert product["case_pack"] in {50, 100, 250, 500, 1000}
        assert product["min_order_qty"] % product["case_pack"] == 0
        assert product["stock"] % product["case_pack"] == 0
        assert product["unit_price"] == product["unit_price"].quantize(Decimal("0.0001"))
        assert Decimal("0.005") <= product["unit_price"] < Decimal("1")
        assert product["lead_time_days"] >= 1
        assert product["name"] and product["description"]
    stocks = [p["stock"] for p in products]
    assert 3 <= stocks.count(0) <= 30
    assert sum(0 < p["stock"] < 5 * p["min_order_qty"] for p in products) >= 10


def test_past_the_colours_come_numbered_print_designs():
    products = catalog.generate(1000)

    assert products[-1]["sku"].endswith(tuple(f"-P{n:05d}" for n in range(1, 20)))
    assert "Print Design #" in products[-1]["name"]


def test_a_catalog_needs_the_portal_skus():
    with pytest.raises(ValueError, match="n >= 2"):
        catalog.generate(1)
