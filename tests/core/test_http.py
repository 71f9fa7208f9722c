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
