"""Saved lists: shared by everyone signed in to the install; anyone may change or delete them."""

import pytest
from django.urls import reverse

from favourites.models import SavedList, SavedListItem


def test_it_creates_a_list_and_opens_it(buyer_client, buyer):
    response = buyer_client.post(reverse("favourites:list_create"), {"name": " Store opening "})
    saved = SavedList.objects.get()
    assert saved.name == "Store opening" and saved.created_by == buyer
    assert response["Location"] == reverse("favourites:list_detail", args=[saved.pk])
    body = buyer_client.get(response["Location"]).content.decode()
    assert "List “Store opening” created." in body and "This list is empty." in body


def test_a_list_needs_a_name_that_is_not_taken(buyer_client, weekly):
    taken = buyer_client.post(reverse("favourites:list_create"), {"name": "weekly CAFÉ"})
    assert taken.status_code == 400
    assert "There is already a list called “weekly CAFÉ”." in taken.content.decode()
    empty = buyer_client.post(reverse("favourites:list_create"), {"name": ""})
    assert "Give the list a name" in empty.content.decode()
    assert SavedList.objects.count() == 1


def test_lists_are_shared_with_everyone_in_the_organisation(client, other_buyer, weekly, cup):
    SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    client.force_login(other_buyer)
    index = client.get(reverse("favourites:index")).content.decode()
    assert "Weekly café" in index and "1 product" in index
    detail = client.get(reverse("favourites:list_detail", args=[weekly.pk])).content.decode()
    assert "CS-8OZ-ECO" in detail and "2 cases of 1,000" in detail


def test_it_adds_a_product_in_cases_or_units(buyer_client, weekly, cup, bowl):
    url = reverse("favourites:item_add", args=[weekly.pk])
    buyer_client.post(url, {"sku": "cs-8oz-eco", "qty": 3, "unit": "cases"})
    buyer_client.post(url, {"sku": "CS-BOWL-16", "qty": 1500, "unit": "units"})
    assert dict(weekly.items.values_list("product__sku", "qty")) == {
        "CS-8OZ-ECO": 3000, "CS-BOWL-16": 1500,
    }  # fmt: skip


def test_adding_a_product_again_sets_its_quantity(buyer_client, weekly, cup):
    url = reverse("favourites:item_add", args=[weekly.pk])
    buyer_client.post(url, {"sku": cup.sku, "qty": 3, "unit": "cases"})
    buyer_client.post(url, {"sku": cup.sku, "qty": 5, "unit": "cases"})
    assert list(weekly.items.values_list("qty", flat=True)) == [5000]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sku": "CS-8OZ-ECO", "qty": 1500, "unit": "units"}, "comes in cases of 1,000"),
        ({"sku": "CS-8OZ-ECO", "qty": 1, "unit": "cases"}, "The minimum order for CS-8OZ-ECO"),
        ({"sku": "NOPE", "qty": 1, "unit": "cases"}, "No product NOPE in the catalog."),
        ({"sku": "CS-8OZ-ECO", "qty": 0, "unit": "cases"}, "Enter at least 1."),
    ],
)
def test_it_refuses_a_quantity_cup_source_would_refuse(buyer_client, weekly, cup, data, message):
    response = buyer_client.post(reverse("favourites:item_add", args=[weekly.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not weekly.items.exists()


def test_it_changes_and_removes_an_item(buyer_client, other_buyer, weekly, cup):
    item = SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    buyer_client.post(reverse("favourites:item_update", args=[weekly.pk, item.pk]), {"qty": 4000})
    item.refresh_from_db()
    assert item.qty == 4000
    bad = buyer_client.post(
        reverse("favourites:item_update", args=[weekly.pk, item.pk]), {"qty": 4500}, follow=True
    )
    assert "comes in cases of 1,000" in bad.content.decode()
    item.refresh_from_db()
    assert item.qty == 4000
    buyer_client.post(reverse("favourites:item_remove", args=[weekly.pk, item.pk]))
    assert not weekly.items.exists()


def test_an_item_is_only_reached_through_its_own_list(buyer_client, buyer, weekly, cup):
    other = SavedList.objects.create(name="Other", created_by=buyer)
    item = SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    url = reverse("favourites:item_remove", args=[other.pk, item.pk])
    assert buyer_client.post(url).status_code == 404
    assert weekly.items.exists()


@pytest.mark.parametrize("name", ["favourites:item_update", "favourites:item_remove"])
def test_a_list_id_too_big_for_the_database_is_404(buyer_client, weekly, cup, name):
    # Found by the fuzz suite: as a foreign key, such an id was an OverflowError on SQLite.
    item = SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    for list_id, item_id in [(int("9" * 4300), item.pk), (weekly.pk, 2**63)]:
        url = reverse(name, args=[list_id, item_id])
        assert buyer_client.post(url, {"qty": "3000"}).status_code == 404
    assert weekly.items.get().qty == 2000


def test_anyone_may_rename_a_list_but_only_its_maker_or_a_team_admin_deletes_it(
    client, other_buyer, team_admin, weekly
):
    client.force_login(other_buyer)
    client.post(reverse("favourites:list_rename", args=[weekly.pk]), {"name": "Weekly kiosk"})
    weekly.refresh_from_db()
    assert weekly.name == "Weekly kiosk" and weekly.updated_by == other_buyer
    assert (
        "Delete this list"
        not in client.get(reverse("favourites:list_detail", args=[weekly.pk])).text
    )
    refused = client.post(reverse("favourites:list_delete", args=[weekly.pk]))
    assert refused.status_code == 403 and "team admin" in refused.text
    assert SavedList.objects.exists()
    client.force_login(team_admin)
    confirm = client.get(reverse("favourites:list_delete", args=[weekly.pk])).content.decode()
    assert "Delete “Weekly kiosk”?" in confirm
    assert SavedList.objects.exists()  # asking is not deleting
    response = client.post(reverse("favourites:list_delete", args=[weekly.pk]))
    assert response["Location"] == reverse("favourites:index")
    assert not SavedList.objects.exists()


def test_renaming_to_a_taken_name_is_refused(buyer_client, buyer, weekly):
    SavedList.objects.create(name="Store opening", created_by=buyer)
    response = buyer_client.post(
        reverse("favourites:list_rename", args=[weekly.pk]), {"name": "store opening"}
    )
    assert response.status_code == 400
    assert "There is already a list called" in response.content.decode()
    weekly.refresh_from_db()
    assert weekly.name == "Weekly café"


def test_the_list_shows_problems_of_items_that_went_stale(buyer_client, weekly, cup):
    SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    cup.discontinued = True
    cup.save()
    body = buyer_client.get(reverse("favourites:list_detail", args=[weekly.pk])).content.decode()
    assert "No longer offered" in body and "is no longer offered by Cup Source" in body


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("index", "get"), ("list_create", "post"), ("list_detail", "get"),
        ("list_rename", "post"), ("list_delete", "post"), ("list_to_cart", "post"),
        ("item_add", "post"),
    ],
)  # fmt: skip
def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(client, weekly, name, method):
    args = [] if name in {"index", "list_create"} else [weekly.pk]
    response = getattr(client, method)(reverse(f"favourites:{name}", args=args), {"name": "X"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    weekly.refresh_from_db()
    assert weekly.name == "Weekly café" and SavedList.objects.count() == 1
