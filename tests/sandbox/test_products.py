"""GET /v1/products and GET /v1/products/{sku}."""

import re

import pytest

from sandbox.models import Product

FIELDS = {
    "sku",
    "name",
    "category",
    "material",
    "capacity_oz",
    "unit_price",
    "currency",
    "case_pack",
    "min_order_qty",
    "stock",
    "lead_time_days",
    "description",
    "compatible_lids",
    "updated_at",
}


def _get(sandbox_api, query=""):
    return sandbox_api.client.get(f"/v1/products{query}")


def test_every_product_has_every_field(sandbox_api):
    products = _get(sandbox_api, "?per_page=100").json()["data"]

    assert all(set(product) == FIELDS for product in products)
    assert all(re.fullmatch(r"\d+\.\d{4}", p["unit_price"]) for p in products)
    assert {p["capacity_oz"] for p in products if p["category"] == "lids"} == {None}


def test_the_portal_cup_looks_right(sandbox_api):
    cup = sandbox_api.client.get("/v1/products/CS-8OZ-ECO").json()["data"]

    assert cup["category"] == "cups"
    assert cup["material"] == "paper"
    assert cup["capacity_oz"] == 8
    assert cup["unit_price"] == "0.0480"
    assert cup["currency"] == "USD"
    assert cup["compatible_lids"][0] == "CS-DOME-LID"
    assert cup["updated_at"].endswith("Z")


def test_pages_are_ordered_by_sku_without_gaps_or_repeats(sandbox_api):
    skus = []
    for page in range(1, 4):
        body = _get(sandbox_api, f"?page={page}&per_page=50").json()
        assert body["meta"] == {"page": page, "per_page": 50, "total": 120}
        skus += [p["sku"] for p in body["data"]]

    assert skus == sorted(Product.objects.values_list("sku", flat=True))


def test_a_page_past_the_end_is_empty(sandbox_api):
    response = _get(sandbox_api, "?page=99")

    assert response.status_code == 200
    assert response.json()["data"] == []
    assert response.json()["meta"] == {"page": 99, "per_page": 20, "total": 120}


@pytest.mark.parametrize(
    ("query", "field"),
    [("?category=cups", "category"), ("?material=bioplastic", "material")],
)
def test_it_filters_by_category_and_material(sandbox_api, query, field):
    value = query.split("=")[1]

    body = _get(sandbox_api, query + "&per_page=100").json()

    assert body["data"]
    assert {p[field] for p in body["data"]} == {value}
    assert body["meta"]["total"] == Product.objects.filter(**{field: value}).count()


def test_it_filters_by_capacity_exactly(sandbox_api):
    body = _get(sandbox_api, "?capacity=12&per_page=100").json()

    assert body["data"]
    assert {p["capacity_oz"] for p in body["data"]} == {12}


def test_filters_combine(sandbox_api):
    body = _get(sandbox_api, "?category=bowls&material=plastic&capacity=16").json()

    assert [p["sku"] for p in body["data"]] == ["CS-BWL-16OZ-PP", "CS-BWL-16OZ-PP-WHT"]


def test_it_looks_up_several_skus_at_once(sandbox_api):
    body = _get(sandbox_api, "?sku=CS-DOME-LID,CS-8OZ-ECO,%20NOPE").json()

    assert [p["sku"] for p in body["data"]] == ["CS-8OZ-ECO", "CS-DOME-LID"]
    assert body["meta"]["total"] == 2


def test_a_filter_matching_nothing_is_an_empty_page(sandbox_api):
    body = _get(sandbox_api, "?category=lids&capacity=8").json()

    assert body["data"] == []
    assert body["meta"]["total"] == 0


@pytest.mark.parametrize(
    ("query", "details"),
    [
        ("?category=plates", {"category": ["Unknown value; expected one of: cups, bowls, lids."]}),
        (
            "?material=glass",
            {"material": ["Unknown value; expected one of: paper, plastic, bioplastic."]},
        ),
        ("?capacity=big", {"capacity": ["Must be a positive integer."]}),
        ("?page=0", {"page": ["Must be a positive integer."]}),
        ("?page=-1", {"page": ["Must be a positive integer."]}),
        ("?page=1.5", {"page": ["Must be a positive integer."]}),
        ("?page=", {"page": ["Must be a positive integer."]}),
        ("?per_page=0", {"per_page": ["Must be a positive integer."]}),
        ("?per_page=101", {"per_page": ["Must be at most 100."]}),
        ("?sku=,", {"sku": ["List at least one SKU (comma-separated)."]}),
        ("?sku=" + ",".join(f"S{i}" for i in range(101)), {"sku": ["At most 100 SKUs at once."]}),
    ],
)
def test_a_bad_query_is_a_400_with_details(sandbox_api, query, details):
    response = _get(sandbox_api, query)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert response.json()["error"]["details"] == details


def test_all_bad_query_parameters_are_reported_at_once(sandbox_api):
    details = _get(sandbox_api, "?category=x&material=y&page=0").json()["error"]["details"]

    assert set(details) == {"category", "material", "page"}


def test_per_page_up_to_100_is_allowed(sandbox_api):
    body = _get(sandbox_api, "?per_page=100").json()

    assert len(body["data"]) == 100


def test_an_unknown_sku_is_a_404(sandbox_api):
    response = sandbox_api.client.get("/v1/products/CS-NOPE")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_stock_is_live(sandbox_api):
    sandbox_api.set_stock("CS-DOME-LID", 1234)

    assert sandbox_api.client.get("/v1/products/CS-DOME-LID").json()["data"]["stock"] == 1234
