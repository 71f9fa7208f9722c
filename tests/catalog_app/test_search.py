"""Catalog search (catalog_app/search.py): a relevance table over the sandbox's catalog, run on
SQLite and, with DATABASE_URL set, on PostgreSQL (CI runs both), and the words it is built on."""

from datetime import UTC, datetime

import pytest

RELEVANCE_CATALOG = 300  # the portal's two SKUs, the base range, and colours up to Terracotta


@pytest.fixture(scope="module")
def search_catalog(django_db_setup, django_db_blocker):
    """The sandbox's first 300 products in the mirror, indexed — once for this module."""
    from catalog_app.models import LidFit, Product
    from catalog_app.search import search_index_rebuild
    from sandbox.catalog import generate

    with django_db_blocker.unblock():
        products = Product.objects.bulk_create(
            Product(**data, supplier_updated_at=datetime(2026, 3, 1, tzinfo=UTC))
            for data in generate(RELEVANCE_CATALOG)
        )
        LidFit.objects.bulk_create(
            LidFit(product=p, lid_sku=lid) for p in products for lid in p.compatible_lids
        )
        search_index_rebuild()
        yield
        Product.objects.all().delete()
        search_index_rebuild()


def find(text: str, **filters) -> list[str]:
    from catalog_app.models import Product
    from catalog_app.search import RANKED, parse, search, vocabulary

    found = search(Product.objects.available().filter(**filters), parse(text, vocabulary()))
    return list(found.order_by(*RANKED).values_list("sku", flat=True))


# (query, the expected first result): typos, several words, plurals, units, synonyms, SKUs.
RELEVANCE = [
    ("rippel", "CS-4OZ-PAP-RP"),  # a swap of two letters is one edit
    ("riple wall", "CS-4OZ-PAP-RP"),
    ("doubel-wall", "CS-4OZ-PAP-DW"),
    ("terracota", "CS-BWL-8OZ-PP-TRC"),  # two edits allowed from 8 letters
    ("polystyrne", "CS-LID-62-PS-SIP"),
    ("compostible", "CS-8OZ-PLA-CLR"),
    ("kraft bowl", "CS-BWL-8OZ-PAP"),
    ("soup bowls", "CS-BWL-8OZ-PAP"),
    ("Kraft Paper Soup Bowl", "CS-BWL-8OZ-PAP"),
    ("soup bowl 24oz", "CS-BWL-24OZ-PAP"),
    ("12oz", "CS-BWL-12OZ-PP"),
    ("12 ounce", "CS-BWL-12OZ-PP"),
    ("12oz hot cup", "CS-12OZ-PAP-DW"),
    ("double wall 12oz", "CS-12OZ-PAP-DW"),
    ("ripple-wall cups", "CS-4OZ-PAP-RP"),
    ("cold cups 32", "CS-32OZ-PET-CLR"),
    ("black 16 oz", "CS-BWL-16OZ-PP-BLK"),
    ("lid 12", "CS-LID-98-PET-DOME"),  # lids that fit a 12 oz cup or bowl
    ("dome lids", "CS-LID-78-PET-DOME"),
    ("sip lid 80", "CS-LID-80-PS-SIP"),
    ("pla lid", "CS-LID-78-PLA-DOME"),
    ("compostable cup", "CS-8OZ-PLA-CLR"),
    ("bioplastic bowl", "CS-BWL-8OZ-PLA"),
    ("deli containers", "CS-BWL-8OZ-PP"),
    ("cont", "CS-BWL-8OZ-PP"),  # a word being typed
    ("moulded fiber", "CS-LID-62-FBR-SIP"),
    ("eco", "CS-8OZ-ECO"),
    ("CS-8OZ-ECO", "CS-8OZ-ECO"),  # the exact SKU first
    ("cs-8oz-eco", "CS-8OZ-ECO"),
    ("cs-8oz", "CS-8OZ-ECO"),  # then SKUs starting with it
    ("8OZ-EC", "CS-8OZ-ECO"),  # a fragment of a SKU
    ("CS-BWL", "CS-BWL-8OZ-PP"),
    ("xyzzy", None),
    ("cofee cup", None),
    ("rippel lid", None),
]


@pytest.mark.parametrize(("text", "first"), RELEVANCE)
def test_the_best_match_comes_first(search_catalog, db, text, first):
    found = find(text)
    assert (found[0] if found else None) == first, found[:5]


def test_several_words_are_all_required(search_catalog, db):
    from catalog_app.models import Product

    found = Product.objects.filter(sku__in=find("kraft bowl"))
    assert found.count() > 5
    assert set(found.values_list("category", flat=True)) == {"bowls"}
    assert all("Kraft" in name for name in found.values_list("name", flat=True))
    assert set(
        Product.objects.filter(sku__in=find("lid 12")).values_list("category", flat=True)
    ) == {"lids"}


def test_a_unit_written_together_or_apart_finds_the_same(search_catalog, db):
    assert find("12oz") == find("12 oz") == find("12-oz") == find("12 ounces")
    assert len(find("12oz")) > 10


def test_plurals_and_synonyms_find_the_same(search_catalog, db):
    assert find("soup bowls") == find("soup bowl")
    assert find("compostable lids") == find("pla lid")
    assert "CS-BWL-8OZ-PAP" in find("container")  # a soup bowl is a container too


def test_a_search_keeps_to_the_filters(search_catalog, db):
    assert set(find("12oz", category="cups")) < set(find("12oz"))
    assert find("kraft bowl", category="lids") == []


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("lip", "lid"), ("rippel lid", "ripple"), ("kraft lid", "kraft"), ("xyzzy", "")],
)
def test_a_search_that_finds_nothing_suggests_one_that_does(search_catalog, db, text, suggestion):
    from catalog_app.models import Product
    from catalog_app.search import did_you_mean, parse, vocabulary

    query = parse(text, vocabulary())
    assert did_you_mean(Product.objects.available(), query, vocabulary()) == suggestion


def test_words_are_normalised_the_same_in_the_index_and_the_query():
    from catalog_app.search import stem, terms, tokens

    assert tokens("12oz Ripple-Wall, CAFÉ") == ["12", "oz", "ripple", "wall", "cafe"]
    assert [stem(w) for w in ["bowls", "boxes", "berries", "glass", "lids", "007"]] == [
        "bowl", "box", "berry", "glass", "lid", "7"
    ]  # fmt: skip
    assert terms("16 Ounces") == ["16", "oz"]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("rippel", "ripple", 1), ("ripple", "ripple", 0), ("riple", "ripple", 1), ("cpu", "cup", 1),
     ("terracota", "terracotta", 1), ("kraft", "craft", 1), ("cup", "lid", 3)],
)  # fmt: skip
def test_edit_distance_counts_a_swap_as_one(a, b, distance):
    from catalog_app.search import edit_distance

    assert edit_distance(a, b, 3) == distance


def test_typos_are_forgiven_by_the_length_of_the_word():
    from catalog_app.search import allowed_edits

    assert [allowed_edits(w) for w in ["cup", "bowl", "compost", "compostable", "1234"]] == [
        0, 1, 1, 2, 0
    ]  # fmt: skip


def test_the_index_words_of_a_product():
    from catalog_app.search import document_terms

    words = document_terms(
        sku="CS-12OZ-PAP-DW", name="12 oz Double-Wall Paper Hot Cup", category="cups",
        material="paper", capacities=[12],
    )  # fmt: skip
    assert words == ["cs", "12", "oz", "pap", "dw", "double", "wall", "paper", "hot", "cup"]


SUGGEST = "/catalog/suggestions/"


def test_suggestions_list_the_best_matches_as_options(buyer_client, search_catalog):
    body = buyer_client.get(SUGGEST, {"q": "rippel"}, headers={"HX-Request": "true"}).text
    assert body.count('role="option"') == 6
    assert 'data-href="/catalog/CS-4OZ-PAP-RP/"' in body
    assert "<mark>Ripple</mark>" in body
    assert 'role="listbox"' in body and "hidden" not in body.split(">")[0]


def test_suggestions_offer_a_query_that_finds_something(buyer_client, search_catalog):
    body = buyer_client.get(SUGGEST, {"q": "lip"}).text
    assert "Did you mean <strong>lid</strong>?" in body
    assert 'data-href="/catalog/?q=lid"' in body


@pytest.mark.parametrize(("q", "shown"), [("", False), ("x", False), ("zzzzqqq", True)])
def test_suggestions_wait_for_something_to_look_for(buyer_client, search_catalog, q, shown):
    body = buyer_client.get(SUGGEST, {"q": q}).text
    assert ("hidden" not in body.split(">")[0].split("listbox")[1]) == shown
    if shown:
        assert "No products match “zzzzqqq”" in body


def test_a_too_long_suggestion_query_is_explained_with_a_200(buyer_client, search_catalog):
    response = buyer_client.get(SUGGEST, {"q": "x" * 101})
    assert response.status_code == 200  # htmx swaps no error
    assert "at most 100 characters" in response.text
