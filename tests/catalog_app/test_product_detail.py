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


HTMX = {"HX-Request": "true"}


def one_click_forms(body: str) -> dict[str, tuple[str, str]]:
    """The product page's one-click "Add" buttons: sku → (quantity, single-use token)."""
    found = {}
    for form in body.split('class="one-click-add"')[1:]:
        sku = form.split('name="sku" value="')[1].split('"')[0]
        qty = form.split('name="qty" value="')[1].split('"')[0]
        found[sku] = (qty, form.split('name="once" value="')[1].split('"')[0])
    return found


def test_the_lids_that_fit_are_one_click_away_in_the_right_quantity(
    buyer_client, buyer, make_product, synced
):
    from orders_app.models import CartLine
    from orders_app.services import cart_add

    cup = make_product("CS-12OZ", compatible_lids=["CS-LID-A"], min_order_qty=2000)
    make_product("CS-LID-A", category="lids", capacity_oz=None, case_pack=500, min_order_qty=500)
    url = reverse("catalog:product_detail", args=["CS-12OZ"])
    # as many lids as the cup's minimum order...
    assert one_click_forms(buyer_client.get(url).content.decode())["CS-LID-A"][0] == "2000"
    # ...or as the cups in the cart, in whole cases of lids
    cart_add(user=buyer, product=cup, qty=5000)
    qty, token = one_click_forms(buyer_client.get(url).content.decode())["CS-LID-A"]
    assert qty == "5000"
    data = {"sku": "CS-LID-A", "qty": qty, "once": token, "next": url}
    first = buyer_client.post(reverse("orders:cart_add_one_click"), data, headers=HTMX)
    again = buyer_client.post(reverse("orders:cart_add_one_click"), data, headers=HTMX)
    assert "Added 5,000 — 5,000 in your cart." in first.content.decode()
    assert "cartUpdated" in first["HX-Trigger"]
    assert "nothing was added again" in again.content.decode()
    assert CartLine.objects.get(product__sku="CS-LID-A").qty == 5000


def test_the_cups_a_lid_fits_are_one_click_away(buyer_client, cup_and_lid):
    body = buyer_client.get(reverse("catalog:product_detail", args=["CS-DOME-LID"])).text
    assert one_click_forms(body)["CS-8OZ-ECO"][0] == "1000"


def test_one_click_add_without_javascript_goes_back_with_a_message(buyer_client, cup_and_lid):
    url = reverse("catalog:product_detail", args=["CS-8OZ-ECO"])
    data = {"sku": "CS-DOME-LID", "qty": "1000", "once": "c" * 32, "next": url}
    response = buyer_client.post(reverse("orders:cart_add_one_click"), data, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "Dome Lid 80mm: Added 1,000 — 1,000 in your cart." in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sku": "CS-DOME-LID", "qty": "1500"}, "comes in cases of 1,000"),
        ({"sku": "CS-DOME-LID", "qty": "x"}, "whole number"),
        ({"sku": "NOPE", "qty": "1000"}, "no longer offers"),
        ({"sku": "CS-DOME-LID", "qty": "1000", "once": "not-a-token"}, "out of date"),
    ],
)
def test_a_bad_one_click_add_is_refused_in_words(buyer_client, cup_and_lid, data, message):
    from orders_app.models import CartLine

    data = {"once": "d" * 32, **data}
    response = buyer_client.post(reverse("orders:cart_add_one_click"), data, headers=HTMX)
    assert response.status_code == 200
    assert message in response.text
    assert not CartLine.objects.exists()


def test_a_product_has_its_pictogram_with_an_empty_alt(buyer_client, cup_and_lid):
    body = buyer_client.get(reverse("catalog:product_detail", args=["CS-8OZ-ECO"])).text
    src = body.split('<img class="pictogram" src="')[1].split('"')[0]
    assert 'alt=""' in body.split(src)[1][:20]
    response = buyer_client.get(src)
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age=31536000" in response["Cache-Control"]
    assert response.content.startswith(b"<svg")


LIDS = {"category": "lids", "capacity_oz": None}


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"name": "12 oz Kraft Paper Soup Bowl", "category": "bowls", "capacity_oz": 12},
         "bowl-m-kraft"),
        ({"name": "8 oz Single-Wall Paper Hot Cup — Sage", "capacity_oz": 8}, "hot-s-sage"),
        ({"name": "32 oz Clear PET Cold Cup", "material": "plastic", "capacity_oz": 32},
         "cold-l-clear"),
        ({"name": "80 mm Dome Lid, PLA", "material": "bioplastic", **LIDS}, "dome-s-green"),
        ({"name": "90 mm Sip-Through Lid — Black", **LIDS}, "flat-s-black"),
    ],
)  # fmt: skip
def test_the_pictogram_shows_shape_size_and_colour(fields, name):
    from catalog_app.models import Product
    from catalog_app.pictograms import pictogram_name, pictogram_svg

    product = Product(**{"category": "cups", "material": "paper", **fields})
    assert pictogram_name(product) == name
    assert pictogram_svg(name).startswith("<svg")


@pytest.mark.parametrize("path", ["1/cup-xl-gold", "0/hot-s-sage", "1/..%2Fsecret"])
def test_an_unknown_pictogram_is_404(buyer_client, db, path):
    assert buyer_client.get(f"/catalog/pictograms/{path}.svg").status_code == 404
