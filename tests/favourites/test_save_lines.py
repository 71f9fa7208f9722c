"""The cart, or any past order, kept as a team list — a new one or an existing one. Lines that
cannot be ordered today are left out with their reason; the others go on together or not at all."""

import pytest
from django.urls import reverse

from catalog_app.models import Product
from favourites.models import SavedList, SavedListItem
from orders_app.services import cart_add

SAVE_CART = reverse("favourites:save_cart")


def items(saved_list) -> dict[str, int]:
    return dict(saved_list.items.values_list("product__sku", "qty"))


def test_the_cart_becomes_a_new_list(buyer_client, buyer, cup, bowl):
    cart_add(user=buyer, product=cup, qty=4000)
    cart_add(user=buyer, product=bowl, qty=1000)
    assert "Save your cart as a team list" in buyer_client.get(SAVE_CART).content.decode()

    response = buyer_client.post(SAVE_CART, {"new_list": "Monday restock"})

    saved = SavedList.objects.get(name="Monday restock")
    assert response["Location"] == reverse("favourites:list_detail", args=[saved.pk])
    assert items(saved) == {"CS-8OZ-ECO": 4000, "CS-BOWL-16": 1000}
    assert (saved.created_by, saved.updated_by) == (buyer, buyer)


def test_the_cart_goes_on_an_existing_list_replacing_quantities(
    buyer_client, buyer, weekly, cup, bowl
):
    SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    SavedListItem.objects.create(saved_list=weekly, product=bowl, qty=500)
    cart_add(user=buyer, product=cup, qty=6000)

    buyer_client.post(SAVE_CART, {"saved_list": weekly.pk})

    assert items(weekly) == {"CS-8OZ-ECO": 6000, "CS-BOWL-16": 500}


def test_a_past_order_becomes_a_list_leaving_out_what_cannot_be_ordered_today(
    buyer_client, make_order, cup
):
    order = make_order(qty=5000, with_lid=True)
    Product.objects.filter(sku="CS-DOME-LID").update(discontinued=True)

    response = buyer_client.post(
        reverse("favourites:save_order", args=[order.pk]), {"new_list": "From an order"},
        follow=True,
    )  # fmt: skip

    saved = SavedList.objects.get(name="From an order")
    assert items(saved) == {"CS-8OZ-ECO": 5000}
    body = response.content.decode()
    assert f"Saved 1 line of order {order.reference}" in body
    assert "Not saved: CS-DOME-LID is no longer offered by Cup Source." in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a list, or type a name for a new one."),
        ({"new_list": "   "}, "Choose a list, or type a name for a new one."),
        ({"saved_list": "999999"}, "Select a valid choice"),
        ({"saved_list": "abc"}, "Select a valid choice"),
        ({"new_list": "x" * 81}, "at most 80 characters"),
    ],
)
def test_bad_choices_are_told_next_to_the_field(buyer_client, buyer, cup, data, message):
    cart_add(user=buyer, product=cup, qty=2000)

    response = buyer_client.post(SAVE_CART, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SavedList.objects.exists()


def test_both_a_list_and_a_new_name_is_refused(buyer_client, buyer, weekly, cup):
    cart_add(user=buyer, product=cup, qty=2000)

    response = buyer_client.post(SAVE_CART, {"saved_list": weekly.pk, "new_list": "Other"})

    assert response.status_code == 400
    assert "not both" in response.content.decode()
    assert SavedList.objects.count() == 1 and not weekly.items.exists()


def test_a_taken_name_is_refused_and_nothing_is_saved(buyer_client, buyer, weekly, cup):
    cart_add(user=buyer, product=cup, qty=2000)

    response = buyer_client.post(SAVE_CART, {"new_list": "WEEKLY CAFÉ"})

    assert response.status_code == 400
    assert "There is already a list called" in response.content.decode()
    assert not weekly.items.exists()


def test_an_order_whose_lines_all_fail_today_makes_no_list(buyer_client, make_order, cup):
    order = make_order(qty=5000)
    Product.objects.filter(pk=cup.pk).update(case_pack=3000)

    response = buyer_client.post(
        reverse("favourites:save_order", args=[order.pk]), {"new_list": "Nope"}
    )

    assert response.status_code == 400
    assert "None of these lines can go on a list as they are" in response.content.decode()
    assert not SavedList.objects.exists()


def test_an_empty_cart_has_nothing_to_save(buyer_client, db):
    assert buyer_client.get(SAVE_CART)["Location"] == reverse("orders:cart")


def test_another_buyers_order_is_not_found(client, other_buyer, make_order):
    order = make_order()
    client.force_login(other_buyer)
    url = reverse("favourites:save_order", args=[order.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"new_list": "Theirs"}).status_code == 404
    assert not SavedList.objects.exists()
