"""Saving a product to a list from its page; flash messages reach htmx swaps out of band."""

from django.urls import reverse

from favourites.models import SavedList

HTMX = {"HX-Request": "true"}


def test_it_saves_to_an_existing_list_over_htmx_with_the_message_out_of_band(
    buyer_client, weekly, cup
):
    response = buyer_client.post(
        reverse("favourites:save_product", args=[cup.sku]),
        {"saved_list": weekly.pk, "new_list": "", "qty": 3, "unit": "cases"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert body.startswith('<form id="save-to-list"')
    assert '<div id="messages" hx-swap-oob="innerHTML">' in body
    assert "Saved 3,000 units of CS-8OZ-ECO to “Weekly café”." in body
    assert list(weekly.items.values_list("qty", flat=True)) == [3000]
    # The message was delivered: the next page does not show it again.
    assert "Saved 3,000 units" not in buyer_client.get(reverse("home")).content.decode()


def test_a_typed_name_starts_a_new_list(buyer_client, buyer, weekly, cup):
    buyer_client.post(
        reverse("favourites:save_product", args=[cup.sku]),
        {"saved_list": weekly.pk, "new_list": "Store opening", "qty": 2000, "unit": "units"},
    )
    opening = SavedList.objects.get(name="Store opening")
    assert opening.created_by == buyer
    assert list(opening.items.values_list("qty", flat=True)) == [2000]
    assert not weekly.items.exists()


def test_an_invalid_quantity_is_explained_in_the_form(buyer_client, weekly, cup):
    response = buyer_client.post(
        reverse("favourites:save_product", args=[cup.sku]),
        {"saved_list": weekly.pk, "qty": 1500, "unit": "units"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert 'role="alert">CS-8OZ-ECO comes in cases of 1,000' in body
    assert "hx-swap-oob" not in body  # no message to deliver
    assert not weekly.items.exists()


def test_without_javascript_it_goes_back_to_the_product_with_the_message(buyer_client, cup):
    response = buyer_client.post(
        reverse("favourites:save_product", args=[cup.sku]),
        {"new_list": "Weekly café", "qty": 2, "unit": "cases"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("catalog:product_detail", args=[cup.sku])
    assert "Saved 2,000 units of CS-8OZ-ECO to “Weekly café”." in response.content.decode()


def test_it_needs_a_list(buyer_client, cup):
    response = buyer_client.post(
        reverse("favourites:save_product", args=[cup.sku]), {"qty": 2, "unit": "cases"},
        follow=True,
    )  # fmt: skip
    assert "Choose a list, or type a name for a new one." in response.content.decode()
    assert not SavedList.objects.exists()


def test_the_product_page_offers_the_teams_lists(buyer_client, weekly, cup):
    body = buyer_client.get(reverse("catalog:product_detail", args=[cup.sku])).content.decode()
    assert f'<option value="{weekly.pk}">Weekly café</option>' in body


def test_htmx_cart_changes_deliver_pending_messages_out_of_band(buyer_client, buyer, cup):
    """A message queued earlier (here: by a plain form) rides along the next htmx swap."""
    from orders_app.services import cart_add

    line, _ = cart_add(user=buyer, product=cup, qty=2000)
    buyer_client.post(reverse("favourites:star", args=[cup.sku]), {"star": "on"})  # queues one
    response = buyer_client.post(
        reverse("orders:cart_line_update", args=[line.pk]), {"qty": 3000}, headers=HTMX
    )
    body = response.content.decode()
    assert 'id="cart-body"' in body
    assert '<div id="messages" hx-swap-oob="innerHTML">' in body
    assert "8 oz Eco Paper Cup is in your favourites." in body
