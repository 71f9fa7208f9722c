"""A form refused for its CSRF token (its page went out of date: a login in another tab, a long
pause) gets a page that says so and offers back what was typed (core/views.py)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

pytestmark = pytest.mark.django_db

LINES = "CS-8OZ-ECO 5000\nCS-DOME-LID 10 cases"
HERE = {"Origin": "http://testserver", "Referer": "http://testserver/cart/quick/"}


@pytest.fixture
def csrf_client(buyer) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    client.get("/cart/quick/")  # the csrftoken cookie, as a browser that opened the pad has
    return client


def stale_post(client: Client, path: str, data: dict, **headers):
    return client.post(path, {**data, "csrfmiddlewaretoken": "x" * 64}, headers=headers)


def test_the_quick_order_pad_comes_back_with_the_typed_lines(csrf_client):
    response = stale_post(csrf_client, "/cart/quick/", {"text": LINES, "keep": ""})
    assert response.status_code == 403
    page = response.text
    assert "This page was out of date" in page and "Nothing was changed" in page
    assert "CS-8OZ-ECO 5000\nCS-DOME-LID 10 cases</textarea>" in page
    assert 'class="main-nav"' in page  # the site's frame


def test_a_password_and_the_token_are_never_echoed(csrf_client):
    data = {"old_password": "my-old-secret-1", "new_password1": "my-new-secret-2",
            "notes": "please deliver before noon"}  # fmt: skip
    response = stale_post(csrf_client, "/account/password/", data, **HERE)
    assert response.status_code == 403
    page = response.text
    assert "please deliver before noon" in page
    assert "my-old-secret-1" not in page and "my-new-secret-2" not in page
    assert "x" * 64 not in page
    assert "Send it again" not in page  # a form with a password is never re-sent


def test_what_is_echoed_is_escaped(csrf_client):
    response = stale_post(csrf_client, "/cart/quick/", {"text": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in response.text


def test_from_one_of_our_pages_it_can_be_sent_again_with_a_fresh_token(csrf_client, make_product):
    make_product("CS-8OZ-ECO")
    response = stale_post(
        csrf_client, "/cart/quick/", {"text": LINES, "keep": "", "check": "1"}, **HERE
    )
    page = response.text
    form = re.search(r'<form method="post" action="/cart/quick/">(.*?)</form>', page, re.S)
    assert form, page
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))
    assert set(hidden) == {"csrfmiddlewaretoken", "check", "keep"}
    assert f'name="text" rows="3" readonly spellcheck="false" class="kept-text">\n{LINES}<' in page
    assert 'href="http://testserver/cart/quick/">Back to the page instead' in page

    again = csrf_client.post("/cart/quick/", {**hidden, "text": LINES})
    assert again.status_code == 200
    assert "Your lines, checked" in again.text


def test_a_post_from_another_site_is_neither_echoed_nor_offered_again(csrf_client):
    elsewhere = {"Origin": "https://evil.example", "Referer": "https://evil.example/x"}
    response = stale_post(csrf_client, "/cart/quick/", {"text": "CS-EVIL 1000000"}, **elsewhere)
    assert response.status_code == 403
    assert "CS-EVIL" not in response.text and "Send it again" not in response.text
    opaque = stale_post(csrf_client, "/cart/quick/", {"text": "CS-EVIL 1000000"}, Origin="null")
    assert "CS-EVIL" not in opaque.text and "Send it again" not in opaque.text


def test_without_a_session_it_offers_the_text_and_a_way_to_log_in(db):
    client = Client(enforce_csrf_checks=True)
    response = stale_post(client, "/cart/quick/", {"text": LINES}, **HERE)
    assert response.status_code == 403
    assert "CS-DOME-LID 10 cases</textarea>" in response.text
    assert 'href="/login/?next=%2Fcart%2Fquick%2F">Log in again' in response.text
    assert "Send it again" not in response.text


def test_a_file_is_not_kept_and_the_page_says_to_choose_it_again(csrf_client):
    upload = SimpleUploadedFile("order.csv", b"sku,qty\nCS-8OZ-ECO,5000\n", "text/csv")
    response = stale_post(csrf_client, "/cart/upload/", {"file": upload}, **HERE)
    assert response.status_code == 403
    assert "choose “order.csv” again" in response.text
    assert "Send it again" not in response.text


def test_htmx_gets_one_sentence_to_show_in_place(csrf_client):
    response = csrf_client.post(
        "/cart/add/", {"sku": "CS-8OZ-ECO", "qty": "2"},
        headers={"HX-Request": "true", "X-CSRFToken": "x" * 64},
    )  # fmt: skip
    assert response.status_code == 403
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.startswith("This page is out of date")
    assert "HX-Request" in response["Vary"]
