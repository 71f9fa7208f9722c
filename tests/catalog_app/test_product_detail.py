import pytest
from django.urls import reverse


@pytest.fixture
def cup_and_lid(make_product, synced):
    cup = make_product(
        "CS-8OZ-ECO",
        name="8 oz Eco Paper Cup",
        compatible_lids=["CS-DOME-LID"],
        description="Double-wall paper cup.",
        lead_time_days=4,
    )
    lid = make_product("CS-DOME-LID", name="Dome Lid 80mm", category="lids", capacity_oz=None)
    return cup, lid


def test_it_shows_everything_a_buyer_needs(buyer_client, cup_and_lid):
    body = buyer_client.get(reverse("catalog:product_detail", args=["CS-8OZ-ECO"])).content.decode()
    for text in [
        "8 oz Eco Paper Cup",
        "CS-8OZ-ECO",
        "Double-wall paper cup.",
        "4 days",
        "1,000 units per case",
        "$0.0480",
        "$48.00",
        "In stock",
    ]:
        assert text in body


def test_a_cup_links_its_lids(buyer_client, cup_and_lid):
    body = buyer_client.get(reverse("catalog:product_detail", args=["CS-8OZ-ECO"])).content.decode()
    assert "Lids that fit" in body
    assert reverse("catalog:product_detail", args=["CS-DOME-LID"]) in body


def test_a_lid_links_the_cups_it_fits(buyer_client, cup_and_lid):
    body = buyer_client.get(
        reverse("catalog:product_detail", args=["CS-DOME-LID"])
    ).content.decode()
    assert "Fits these cups and bowls" in body
    assert reverse("catalog:product_detail", args=["CS-8OZ-ECO"]) in body


def test_an_unknown_sku_is_404(buyer_client, cup_and_lid):
    assert buyer_client.get(reverse("catalog:product_detail", args=["NOPE"])).status_code == 404


def test_a_discontinued_product_still_has_its_page(buyer_client, make_product, synced):
    make_product("CS-OLD", discontinued=True)
    body = buyer_client.get(reverse("catalog:product_detail", args=["CS-OLD"])).content.decode()
    assert "no longer offers" in body


def test_the_page_makes_no_api_call(buyer_client, cup_and_lid, no_api):
    assert (
        buyer_client.get(reverse("catalog:product_detail", args=["CS-8OZ-ECO"])).status_code == 200
    )
    assert no_api == []


def test_low_stock_is_flagged(buyer_client, make_product, synced):
    make_product("CS-LOW", stock=2000, case_pack=1000)
    body = buyer_client.get(reverse("catalog:product_detail", args=["CS-LOW"])).content.decode()
    assert "Low stock" in body


@pytest.mark.parametrize("sku", ["CS-8OZ-ECO\x00", "X" * 65])
def test_a_sku_no_product_can_have_is_404(buyer_client, cup_and_lid, nul_refused, sku):
    # Found by the fuzz suite: a NUL character reached the database (on PostgreSQL, a 500).
    assert buyer_client.get(reverse("catalog:product_detail", args=[sku])).status_code == 404
