import pytest
from django.test import RequestFactory

from core.http import safe_next


@pytest.mark.parametrize("target", ["/cart/", "/catalog/?q=cup&page=2"])
def test_it_returns_a_path_on_this_site(target):
    assert safe_next(RequestFactory().post("/", {"next": target}), "home") == target


@pytest.mark.parametrize(
    "target", ["", "0", "home", "cart/", "https://evil.example/", "//evil.example/", "/\\evil"]
)
def test_anything_else_gives_the_default(target):
    # "0" and "home" were taken by redirect() for names of URLs (found by the fuzz suite).
    assert safe_next(RequestFactory().post("/", {"next": target}), "home") == "home"


def test_it_reads_the_query_string_too():
    assert safe_next(RequestFactory().get("/", {"next": "/checkout/"})) == "/checkout/"


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("http://testserver/catalog/?category=cups&page=2", "/catalog/?category=cups&page=2"),
        ("http://testserver/catalog/", "/catalog/"),
        ("https://evil.example/catalog/", "home"),
        ("http://testserver.evil.example/", "home"),
        ("", "home"),
    ],
)
def test_an_empty_next_goes_back_to_the_page_the_form_was_sent_from(referer, expected):
    request = RequestFactory().post("/", {"next": ""}, headers={"Referer": referer})
    assert safe_next(request, "home") == expected


def test_without_a_next_field_the_referer_is_not_used():
    request = RequestFactory().post("/", {}, headers={"Referer": "http://testserver/cart/"})
    assert safe_next(request, "home") == "home"
