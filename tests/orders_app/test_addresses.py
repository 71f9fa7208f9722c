import pytest
from django.urls import reverse

from orders_app.models import Address, BuyerSettings, Order

LIST_URL = "/addresses/"
NEW_URL = "/addresses/new/"
BADGE = '<span class="badge badge-ok">Your default</span>'

VALID = {
    "label": "Pearl District kiosk",
    "name": "Bea's Café",
    "line1": "900 NW Lovejoy St",
    "line2": "",
    "city": "Portland",
    "state": "OR",
    "zip": "97209",
}


def default_of(user):
    return BuyerSettings.objects.filter(user=user).values_list("default_address", flat=True).first()


def test_the_list_shows_every_address_to_every_buyer(client, other_buyer, address):
    client.force_login(other_buyer)  # `address` was added by `buyer`: the book is shared
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert reverse("orders:address_list") == LIST_URL
    assert "Main café" in response.text and "97201" in response.text
    assert BADGE not in response.text


def test_an_empty_book_explains_what_to_do(buyer_client):
    response = buyer_client.get(LIST_URL)
    assert "No addresses yet" in response.text
    assert NEW_URL in response.text


def test_it_adds_an_address(buyer_client, buyer):
    response = buyer_client.post(NEW_URL, VALID)
    assert response.status_code == 302 and response.url == LIST_URL
    address = Address.objects.get()
    assert address.label == "Pearl District kiosk" and address.created_by == buyer
    assert default_of(buyer) is None


def test_it_can_make_the_new_address_the_default(buyer_client, buyer):
    buyer_client.post(NEW_URL, {**VALID, "make_default": "on"})
    assert default_of(buyer) == Address.objects.get().pk


@pytest.mark.parametrize("zip_code", ["97209", "97209-1234"])
def test_it_accepts_both_zip_formats(buyer_client, zip_code):
    response = buyer_client.post(NEW_URL, {**VALID, "zip": zip_code})
    assert response.status_code == 302
    assert Address.objects.get().zip == zip_code


@pytest.mark.parametrize("zip_code", ["9720", "972091", "97209-12", "ABCDE", "97209 1234"])
def test_it_rejects_a_zip_that_is_not_a_us_zip(buyer_client, zip_code):
    response = buyer_client.post(NEW_URL, {**VALID, "zip": zip_code})
    assert response.status_code == 200
    assert "Enter a US ZIP code: 12345 or 12345-6789." in response.text
    assert not Address.objects.exists()


@pytest.mark.parametrize("state", ["", "XX", "Oregon", "ON"])
def test_it_rejects_a_state_that_is_not_a_us_state(buyer_client, state):
    response = buyer_client.post(NEW_URL, {**VALID, "state": state})
    assert response.status_code == 200
    assert response.context["form"].errors["state"]
    assert not Address.objects.exists()


def test_the_form_offers_the_states_and_marks_errors(buyer_client):
    page = buyer_client.get(NEW_URL)
    assert '<option value="OR">Oregon (OR)</option>' in page.text
    response = buyer_client.post(NEW_URL, {**VALID, "line1": "", "zip": "1"})
    assert "Please check the highlighted fields." in response.text
    assert "Enter the street address." in response.text
    assert 'aria-invalid="true"' in response.text


def test_after_adding_from_checkout_it_returns_there(buyer_client):
    response = buyer_client.post(f"{NEW_URL}?next=/checkout/", VALID)
    assert response.status_code == 302 and response.url == "/checkout/"


def test_the_next_page_travels_through_a_failed_submit(buyer_client):
    page = buyer_client.get(f"{NEW_URL}?next=/checkout/")
    assert 'name="next" value="/checkout/"' in page.text
    response = buyer_client.post(NEW_URL, {**VALID, "zip": "x", "next": "/checkout/"})
    assert 'name="next" value="/checkout/"' in response.text
    response = buyer_client.post(NEW_URL, {**VALID, "next": "/checkout/"})
    assert response.url == "/checkout/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/checkout/"])
def test_it_never_returns_to_another_site(buyer_client, target):
    response = buyer_client.post(f"{NEW_URL}?next={target}", VALID)
    assert response.status_code == 302 and response.url == LIST_URL


def test_it_edits_an_address(buyer_client, address, buyer_is_team_admin):
    url = reverse("orders:address_edit", args=[address.pk])
    page = buyer_client.get(url)
    assert 'value="123 Commerce Way"' in page.text
    response = buyer_client.post(url, {**VALID, "label": "Main café", "zip": "97201-0001"})
    assert response.status_code == 302 and response.url == LIST_URL
    address.refresh_from_db()
    assert address.zip == "97201-0001" and address.line1 == "900 NW Lovejoy St"


def test_an_edit_with_a_bad_zip_changes_nothing(buyer_client, address, buyer_is_team_admin):
    url = reverse("orders:address_edit", args=[address.pk])
    response = buyer_client.post(url, {**VALID, "zip": "OR 97201"})
    assert response.status_code == 200 and "Enter a US ZIP code" in response.text
    address.refresh_from_db()
    assert address.zip == "97201"


def test_removing_asks_first(buyer_client, address, buyer_is_team_admin):
    url = reverse("orders:address_delete", args=[address.pk])
    page = buyer_client.get(url)
    assert page.status_code == 200 and "Remove “Main café”?" in page.text
    assert Address.objects.filter(pk=address.pk).exists()


def test_it_removes_an_address_that_orders_used(buyer_client, buyer, address, buyer_is_team_admin):
    order = Order.objects.create(
        placed_by=buyer, reference="CB-1", address=address, expected_subtotal=0,
        payload={"items": [], "shipping_address": address.as_api()},
    )  # fmt: skip
    BuyerSettings.objects.create(user=buyer, default_address=address)
    response = buyer_client.post(reverse("orders:address_delete", args=[address.pk]))
    assert response.status_code == 302 and response.url == LIST_URL
    assert not Address.objects.exists()
    order.refresh_from_db()
    assert order.address is None
    assert order.payload["shipping_address"]["line1"] == "123 Commerce Way"
    assert default_of(buyer) is None


def test_the_removal_page_warns_when_it_is_a_default(
    buyer_client, buyer, address, buyer_is_team_admin
):
    BuyerSettings.objects.create(user=buyer, default_address=address)
    page = buyer_client.get(reverse("orders:address_delete", args=[address.pk]))
    assert "It is your default address" in page.text


def test_make_this_my_default_creates_the_settings_on_demand(buyer_client, buyer, address):
    assert not BuyerSettings.objects.filter(user=buyer).exists()
    response = buyer_client.post(reverse("orders:address_default", args=[address.pk]))
    assert response.status_code == 302 and response.url == LIST_URL
    assert default_of(buyer) == address.pk
    assert BADGE in buyer_client.get(LIST_URL).text


def test_the_default_is_per_buyer(buyer_client, buyer, other_buyer, address):
    second = Address.objects.create(
        label="Warehouse", line1="1 Dock Rd", city="Salem", state="OR", zip="97301"
    )
    BuyerSettings.objects.create(user=other_buyer, default_address=second)
    buyer_client.post(reverse("orders:address_default", args=[address.pk]))
    assert default_of(buyer) == address.pk
    assert default_of(other_buyer) == second.pk


def test_unticking_default_on_edit_clears_it(buyer_client, buyer, address, buyer_is_team_admin):
    BuyerSettings.objects.create(user=buyer, default_address=address)
    url = reverse("orders:address_edit", args=[address.pk])
    assert buyer_client.get(url).context["form"].initial["make_default"] is True
    buyer_client.post(url, {**VALID})
    assert default_of(buyer) is None


def test_making_a_default_needs_a_post(buyer_client, address):
    assert buyer_client.get(reverse("orders:address_default", args=[address.pk])).status_code == 405


def test_an_unknown_address_is_a_404(buyer_client, buyer_is_team_admin):
    assert buyer_client.get(reverse("orders:address_edit", args=[999])).status_code == 404
    assert buyer_client.post(reverse("orders:address_delete", args=[999])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, address):
    for url in (LIST_URL, NEW_URL, reverse("orders:address_edit", args=[address.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")
    response = client.post(reverse("orders:address_delete", args=[address.pk]))
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert Address.objects.filter(pk=address.pk).exists()


def test_a_buyer_adds_but_neither_edits_nor_removes(buyer_client, address):
    """Only team admins change or remove a shared address; a buyer gets the 403 page saying so
    and nothing changes."""
    page = buyer_client.get(LIST_URL).text
    assert reverse("orders:address_create") in page
    assert reverse("orders:address_edit", args=[address.pk]) not in page
    for url in (reverse("orders:address_edit", args=[address.pk]),
                reverse("orders:address_delete", args=[address.pk])):  # fmt: skip
        assert buyer_client.get(url).status_code == 403
        response = buyer_client.post(url, {**VALID, "label": "Hijacked"})
        assert response.status_code == 403
        assert "Only a team admin" in response.text
    address.refresh_from_db()
    assert address.label == "Main café"


def test_a_team_admin_sees_the_edit_links(client, team_admin, address):
    client.force_login(team_admin)
    page = client.get(LIST_URL).text
    assert reverse("orders:address_edit", args=[address.pk]) in page
    assert reverse("orders:address_delete", args=[address.pk]) in page
