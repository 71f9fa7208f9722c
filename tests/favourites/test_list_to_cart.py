"""A whole list into the cart in one step: checked like any cart line, all or nothing."""

from django.urls import reverse

from core.once import new_token
from favourites.models import SavedListItem
from orders_app.models import CartLine
from orders_app.services import cart_add


def to_cart(client, saved_list):
    """Press "Add the whole list to the cart" (a fresh single-use token, as the page has)."""
    url = reverse("favourites:list_to_cart", args=[saved_list.pk])
    return client.post(url, {"once": new_token()})


def cart(user) -> dict[str, int]:
    lines = CartLine.objects.filter(cart__user=user, cart__status="open")
    return dict(lines.values_list("product__sku", "qty"))


def test_it_adds_every_line_and_goes_to_the_cart(buyer_client, buyer, weekly, cup, bowl):
    SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    SavedListItem.objects.create(saved_list=weekly, product=bowl, qty=1500)
    response = buyer_client.post(
        reverse("favourites:list_to_cart", args=[weekly.pk]), {"once": new_token()}
    )
    assert response["Location"] == reverse("orders:cart")
    assert cart(buyer) == {"CS-8OZ-ECO": 2000, "CS-BOWL-16": 1500}
    body = buyer_client.get(response["Location"]).content.decode()
    assert "Added 2 lines from “Weekly café” to your cart." in body


def test_it_adds_to_what_the_cart_already_holds(buyer_client, buyer, weekly, cup):
    cart_add(user=buyer, product=cup, qty=3000)
    SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    to_cart(buyer_client, weekly)
    assert cart(buyer) == {"CS-8OZ-ECO": 5000}


def test_one_bad_line_adds_nothing_and_says_which(buyer_client, buyer, weekly, cup, bowl):
    SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    SavedListItem.objects.create(saved_list=weekly, product=bowl, qty=1500)
    bowl.case_pack = 1000  # the supplier changed the case since the list was made
    bowl.save()
    response = buyer_client.post(
        reverse("favourites:list_to_cart", args=[weekly.pk]), {"once": new_token()}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was added to your cart." in body
    assert "CS-BOWL-16 comes in cases of 1,000" in body
    assert cart(buyer) == {}


def test_a_discontinued_product_on_the_list_adds_nothing(buyer_client, buyer, weekly, cup, bowl):
    SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    SavedListItem.objects.create(saved_list=weekly, product=bowl, qty=1500)
    cup.discontinued = True
    cup.save()
    body = buyer_client.post(
        reverse("favourites:list_to_cart", args=[weekly.pk]), {"once": new_token()}
    ).content.decode()
    assert "CS-8OZ-ECO is no longer offered by Cup Source." in body
    assert cart(buyer) == {}


def test_an_empty_list_says_so(buyer_client, buyer, weekly):
    body = buyer_client.post(
        reverse("favourites:list_to_cart", args=[weekly.pk]), {"once": new_token()}
    ).content.decode()
    assert "The list is empty: add products to it first." in body
    assert cart(buyer) == {}


def test_it_goes_into_the_buyers_own_cart(client, buyer, other_buyer, weekly, cup):
    SavedListItem.objects.create(saved_list=weekly, product=cup, qty=2000)
    client.force_login(other_buyer)
    to_cart(client, weekly)
    assert cart(other_buyer) == {"CS-8OZ-ECO": 2000} and cart(buyer) == {}
