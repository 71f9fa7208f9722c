import pytest
from django.urls import reverse

URL = reverse("catalog:product_list")


@pytest.fixture
def catalog(make_product, synced):
    make_product("CS-8OZ-ECO", name="8 oz Eco Paper Cup", compatible_lids=["CS-DOME-LID"])
    make_product("CS-12OZ-PAP", name="12 oz Paper Cup", capacity_oz=12, unit_price="0.0620")
    make_product(
        "CS-16OZ-PLA",
        name="16 oz Clear Cup",
        material="plastic",
        capacity_oz=16,
        unit_price="0.0900",
        stock=0,
    )
    make_product(
        "CS-BOWL-24",
        name="24 oz Soup Bowl",
        category="bowls",
        capacity_oz=24,
        unit_price="0.1500",
        stock=3000,
    )
    make_product(
        "CS-DOME-LID", name="Dome Lid 80mm", category="lids", capacity_oz=None, unit_price="0.0300"
    )
    make_product("CS-OLD-CUP", name="Discontinued Cup", discontinued=True)


def skus(response):
    return [p.sku for p in response.context["page"].object_list]


def test_it_lists_every_available_product_by_sku(buyer_client, catalog):
    response = buyer_client.get(URL)
    assert response.status_code == 200
    assert skus(response) == [
        "CS-12OZ-PAP",
        "CS-16OZ-PLA",
        "CS-8OZ-ECO",
        "CS-BOWL-24",
        "CS-DOME-LID",
    ]


def test_it_filters_by_category_material_and_capacity(buyer_client, catalog):
    assert skus(buyer_client.get(URL, {"category": "bowls"})) == ["CS-BOWL-24"]
    assert skus(buyer_client.get(URL, {"material": "plastic"})) == ["CS-16OZ-PLA"]
    assert skus(buyer_client.get(URL, {"capacity": "12"})) == ["CS-12OZ-PAP"]
    assert skus(buyer_client.get(URL, {"category": "cups", "material": "paper"})) == [
        "CS-12OZ-PAP",
        "CS-8OZ-ECO",
    ]


def test_it_searches_sku_and_name(buyer_client, catalog):
    assert skus(buyer_client.get(URL, {"q": "soup"})) == ["CS-BOWL-24"]
    assert skus(buyer_client.get(URL, {"q": "cs-dome"})) == ["CS-DOME-LID"]


def test_a_search_forgives_typos_and_ranks_the_best_match_first(buyer_client, catalog):
    assert skus(buyer_client.get(URL, {"q": "sopu bowls"})) == ["CS-BOWL-24"]
    assert skus(buyer_client.get(URL, {"q": "cs-8oz-eco"}))[0] == "CS-8OZ-ECO"
    # searching sorts by the best match; another sort can still be asked for
    assert skus(buyer_client.get(URL, {"q": "cup"}))[0] == "CS-12OZ-PAP"  # the shortest name
    assert skus(buyer_client.get(URL, {"q": "cup", "sort": "-price"}))[0] == "CS-16OZ-PLA"


def test_matched_words_are_highlighted_and_escaped(buyer_client, make_product, synced):
    make_product("CS-XSS", name="<script>alert(1)</script> Kraft Cup")
    body = buyer_client.get(URL, {"q": "kraft <b>"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Kraft</mark> Cup" in body
    assert "<script>alert(1)" not in body
    assert "<b>" not in body


def test_a_search_that_finds_nothing_offers_one_that_does(buyer_client, catalog):
    response = buyer_client.get(URL, {"q": "soup lid", "capacity": "24"})
    body = response.content.decode()
    assert skus(response) == []
    assert "No products match “soup lid” with these filters" in body
    assert 'Did you mean <a href="?q=soup&amp;capacity=24">soup</a>?' in body
    # the capacity filter stays, with every capacity the catalog has
    facets = {f["name"]: {v: n for v, _, n in f["values"]} for f in response.context["facets"]}
    assert facets["capacity"] == {8: 0, 12: 0, 16: 0, 24: 0}
    assert 'name="capacity" value="24" checked' in body


def test_facet_counts_follow_the_search(buyer_client, catalog):
    response = buyer_client.get(URL, {"q": "cup"})
    facets = {f["name"]: {v: n for v, _, n in f["values"]} for f in response.context["facets"]}
    assert facets["category"] == {"cups": 3, "bowls": 0, "lids": 0}
    assert facets["capacity"] == {8: 1, 12: 1, 16: 1, 24: 0}


def test_it_hides_out_of_stock_when_asked(buyer_client, catalog):
    assert "CS-16OZ-PLA" not in skus(buyer_client.get(URL, {"in_stock": "on"}))


def test_it_sorts_by_price_and_capacity(buyer_client, catalog):
    assert skus(buyer_client.get(URL, {"sort": "price"}))[:2] == ["CS-DOME-LID", "CS-8OZ-ECO"]
    assert skus(buyer_client.get(URL, {"sort": "-price"}))[0] == "CS-BOWL-24"
    assert skus(buyer_client.get(URL, {"sort": "-capacity", "category": "cups"})) == [
        "CS-16OZ-PLA",
        "CS-12OZ-PAP",
        "CS-8OZ-ECO",
    ]


def test_it_counts_each_facet_value_under_the_other_filters(buyer_client, catalog):
    response = buyer_client.get(URL, {"category": "cups"})
    facets = {f["name"]: {v: n for v, _, n in f["values"]} for f in response.context["facets"]}
    # Category counts ignore the category filter itself; the others apply it.
    assert facets["category"] == {"cups": 3, "bowls": 1, "lids": 1}
    assert facets["material"] == {"paper": 2, "plastic": 1, "bioplastic": 0}
    assert facets["capacity"] == {8: 1, 12: 1, 16: 1, 24: 0}  # every capacity stays


def test_it_paginates(buyer_client, make_product, synced):
    for i in range(30):
        make_product(f"CS-P{i:03d}")
    first = buyer_client.get(URL)
    second = buyer_client.get(URL, {"page": 2})
    assert len(skus(first)) == 25
    assert skus(second) == [f"CS-P{i:03d}" for i in range(25, 30)]
    assert 'href="?page=2"' in first.content.decode()


def test_pagination_links_keep_the_filters(buyer_client, make_product, synced):
    for i in range(30):
        make_product(f"CS-P{i:03d}", material="plastic")
    body = buyer_client.get(URL, {"material": "plastic"}).content.decode()
    assert 'href="?material=plastic&amp;page=2"' in body


def test_an_htmx_request_gets_only_the_results(buyer_client, catalog):
    response = buyer_client.get(URL, {"category": "bowls"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="results"')
    assert "<html" not in body
    assert "CS-BOWL-24" in body
    # facet counts travel out of band so the filter panel stays in place
    assert 'id="count-material-plastic" hx-swap-oob="true">0<' in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_full_page(buyer_client, catalog):
    response = buyer_client.get(
        URL,
        {"category": "bowls"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_a_filtered_url_is_bookmarkable(buyer_client, catalog):
    """The full page for a filtered URL shows the same results with the filters set."""
    response = buyer_client.get(URL, {"material": "plastic", "sort": "price"})
    body = response.content.decode()
    assert skus(response) == ["CS-16OZ-PLA"]
    assert 'name="material" value="plastic" checked' in body
    assert '<option value="price" selected>' in body
    assert 'hx-push-url="true"' in body


@pytest.mark.parametrize(
    "params",
    [
        {"category": "mugs"},
        {"capacity": "big"},
        {"page": "0"},
        {"page": "x"},
        {"sort": "random"},
        {"q": "x" * 101},
    ],
)
def test_bad_parameters_get_a_friendly_400(buyer_client, catalog, params):
    response = buyer_client.get(URL, params)
    assert response.status_code == 400
    assert "These filters don" in response.content.decode()


def test_the_bad_filters_page_marks_what_is_wrong_as_an_error(buyer_client, catalog):
    # Found by tests/fuzz/test_forms_show_errors.py: the errors were a plain list.
    response = buyer_client.get(URL, {"sort": "random"})
    assert '<ul class="errorlist" role="alert">' in response.text
    assert "<strong>Sort</strong>: Select a valid choice." in response.text


def test_a_page_past_the_end_shows_the_last_page(buyer_client, catalog):
    response = buyer_client.get(URL, {"page": 99})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_an_empty_mirror_says_so_and_offers_staff_a_sync(client, django_user_model, db):
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    body = client.get(URL).content.decode()
    assert "has not been loaded yet" in body
    assert reverse("catalog:sync_now") in body


def test_an_empty_mirror_tells_a_buyer_what_happens(buyer_client, db):
    body = buyer_client.get(URL).content.decode()
    assert "has not been loaded yet" in body
    assert reverse("catalog:sync_now") not in body


def test_a_page_view_makes_no_api_call(buyer_client, catalog, no_api):
    assert buyer_client.get(URL, {"category": "cups", "sort": "price"}).status_code == 200
    assert buyer_client.get(URL, {"q": "lid"}, headers={"HX-Request": "true"}).status_code == 200
    assert no_api == []


def test_it_shows_how_long_ago_the_catalog_was_synced(buyer_client, catalog):
    assert "Catalog synced" in buyer_client.get(URL).content.decode()


def test_it_requires_login(client, catalog):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
