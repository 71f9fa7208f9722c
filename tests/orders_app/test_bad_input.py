"""What a hostile tester and a buyer walkthrough found, one test each: bad input gets a clear
message next to what caused it — never a 500, a half-write or a double write."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry
from catalog_app.models import Product
from core.once import new_token
from favourites.models import SavedList
from orders_app.models import CartLine, Order
from orders_app.quantities import MAX_ORDER_SUBTOTAL
from orders_app.services import cart_add, cart_for, order_place

ADD = reverse("orders:cart_add")
CART = reverse("orders:cart")
HTMX = {"HX-Request": "true"}


def cart_of(user) -> dict[str, int]:
    lines = CartLine.objects.filter(cart__user=user, cart__status="open")
    return dict(lines.values_list("product__sku", "qty"))


# --- one quantity policy -----------------------------------------------------------------------


def test_ten_million_cases_are_refused_with_the_limit(buyer_client, buyer, cup):
    response = buyer_client.post(
        ADD, {"sku": cup.sku, "qty": 10_000_000, "unit": "cases"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "at most 10,000,000 units per line" in response.text
    assert cart_of(buyer) == {}


def test_a_cart_cannot_grow_past_the_largest_order(buyer_client, buyer, make_product):
    pricey = make_product("CS-GOLD-CUP", unit_price=Decimal("20.0000"), case_pack=1000)
    response = buyer_client.post(
        ADD, {"sku": pricey.sku, "qty": 6000, "unit": "cases"}, headers=HTMX
    )  # $120,000,000.00
    assert "at most $100,000,000.00 per order" in response.text
    assert cart_of(buyer) == {}


def test_three_lines_of_one_sku_at_the_cap_are_refused_together(buyer_client, buyer, cup):
    lines = "\n".join(["CS-8OZ-ECO 10000000"] * 3)
    response = buyer_client.post(reverse("orders:quick_order"), {"text": lines})
    assert response.status_code == 200
    assert "at most 10,000,000 units per line" in response.text
    assert cart_of(buyer) == {}


def test_a_quantity_of_thousands_of_digits_is_not_a_crash(buyer_client, buyer, cup):
    response = buyer_client.post(
        reverse("orders:quick_order"), {"text": "CS-8OZ-ECO " + "9" * 4400}
    )
    assert response.status_code == 200
    assert "is not a quantity" in response.text
    upload = SimpleUploadedFile("order.csv", f"sku,qty\nCS-8OZ-ECO,{'9' * 4400}\n".encode())
    response = buyer_client.post(reverse("orders:upload"), {"file": upload})
    assert response.status_code == 200 and "is not a quantity" in response.text


def test_a_huge_saved_list_quantity_is_refused_and_no_empty_list_is_left(
    buyer_client, buyer, cup, synced
):
    response = buyer_client.post(
        reverse("favourites:save_product", args=[cup.sku]),
        {"new_list": "Huge", "qty": 10**17, "unit": "cases"},
    )
    assert response.status_code == 302
    page = buyer_client.get(response["Location"]).text
    assert "at most 10,000,000 units per line" in page
    assert not SavedList.objects.exists()


def test_a_valid_quantity_that_the_catalog_refuses_leaves_no_new_list(buyer_client, cup, synced):
    buyer_client.post(
        reverse("favourites:save_product", args=[cup.sku]),
        {"new_list": "Odd", "qty": 1500, "unit": "units"},
    )
    assert not SavedList.objects.exists()


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("10000001", "at most 10,000,000 units per line"),
        ("0", "Enter at least 1."),
        ("-1000", "Enter at least 1."),
        ("lots", "Enter a whole number"),
    ],
)
def test_a_refused_cart_edit_says_what_is_wrong(buyer_client, buyer, cup, typed, says):
    line, _ = cart_add(user=buyer, product=cup, qty=5000)
    response = buyer_client.post(
        reverse("orders:cart_line_update", args=[line.pk]), {"qty": typed}, headers=HTMX
    )
    assert says in response.text
    assert "Enter a whole number of units." not in response.text or typed == "lots"
    line.refresh_from_db()
    assert line.qty == 5000


def test_one_case_is_one_case(buyer_client, make_product):
    make_product("CS-ONE", case_pack=1000, min_order_qty=1000)
    response = buyer_client.post(ADD, {"sku": "CS-ONE", "qty": 1, "unit": "cases"}, headers=HTMX)
    assert "1,000 units (1 case)" in response.text


def test_one_line_left_to_fix_needs_fixing(buyer_client, cup):
    response = buyer_client.post(
        reverse("orders:quick_order"),
        {"add": "ready", "once": new_token(), "lines": "CS-8OZ-ECO 5000", "rest": "CS-NOPE 1"},
        follow=True,
    )
    assert "1 line still needs fixing" in response.text


def test_an_order_over_the_limits_is_never_placed(buyer, make_product, address):
    pricey = make_product("CS-GOLD-CUP", unit_price=Decimal("20.0000"))
    cart = cart_for(buyer)
    CartLine.objects.create(cart=cart, product=pricey, qty=6_000_000)  # before the policy
    from orders_app.services import CartError

    with pytest.raises(CartError, match="per order"):
        order_place(user=buyer, cart=cart, address=address)
    assert not Order.objects.exists()
    assert 6_000_000 * Decimal(20) > MAX_ORDER_SUBTOTAL


# --- single-use confirmations --------------------------------------------------------------


def test_confirming_the_same_csv_three_times_adds_its_rows_once(buyer_client, buyer, cup, lid):
    upload = SimpleUploadedFile("order.csv", b"sku,qty\nCS-8OZ-ECO,5000\nCS-DOME-LID,500\n")
    page = buyer_client.post(reverse("orders:upload"), {"file": upload}).text
    token = re.search(r'name="token" value="([^"]+)"', page)[1]
    confirm = {"token": token, "mode": "all"}
    responses = [
        buyer_client.post(reverse("orders:upload_confirm"), confirm, follow=True) for _ in range(3)
    ]
    assert cart_of(buyer) == {"CS-8OZ-ECO": 5000, "CS-DOME-LID": 500}
    assert "added already" in responses[1].text and "added already" in responses[2].text


def test_a_replayed_quick_order_add_adds_nothing(buyer_client, buyer, cup):
    form = {"add": "ready", "once": new_token(), "lines": "CS-8OZ-ECO 5000", "rest": ""}
    buyer_client.post(reverse("orders:quick_order"), form)
    second = buyer_client.post(reverse("orders:quick_order"), form, follow=True)
    assert cart_of(buyer) == {"CS-8OZ-ECO": 5000}
    assert "already done" in second.text


def test_a_replayed_reorder_adds_nothing(buyer_client, buyer, make_order):
    order = make_order()
    form = {"once": new_token()}
    buyer_client.post(reverse("orders:order_reorder", args=[order.pk]), form)
    buyer_client.post(reverse("orders:order_reorder", args=[order.pk]), form)
    assert cart_of(buyer) == {"CS-8OZ-ECO": 5000}


def test_a_reorder_without_a_token_adds_nothing_and_says_to_reload(buyer_client, buyer, make_order):
    order = make_order()
    response = buyer_client.post(reverse("orders:order_reorder", args=[order.pk]), follow=True)
    assert cart_of(buyer) == {}
    assert "reload it" in response.text


# --- checkout --------------------------------------------------------------------------------


def test_checkout_notes_count_line_breaks_as_the_browser_does(
    buyer_client, cart_with_cup, address, web_supplier
):
    notes = "x\r\n" * 999 + "x"  # 1,999 characters with "\n", 2,998 with "\r\n"
    response = buyer_client.post(
        reverse("orders:checkout"), {"address": address.pk, "notes": notes, "cart": 1}
    )
    assert response.status_code == 302
    assert Order.objects.get().notes.count("\n") == 999


@pytest.mark.parametrize(
    ("notes", "says"),
    [("x" * 2001, "at most 2000 characters"), ("a\x00b", "Null characters are not allowed")],
)
def test_a_refused_checkout_note_is_shown_beside_the_notes(
    buyer_client, cart_with_cup, address, web_supplier, notes, says
):
    response = buyer_client.post(
        reverse("orders:checkout"), {"address": address.pk, "notes": notes}
    )
    assert response.status_code == 200
    assert says in response.text
    assert re.search(r'<ul class="errorlist" id="id_notes_error">', response.text)
    assert not Order.objects.exists()


def test_resubmitting_a_placed_checkout_links_to_the_order(
    buyer_client, buyer, cart_with_cup, address, web_supplier
):
    form = {"address": address.pk, "cart": cart_with_cup.pk}
    buyer_client.post(reverse("orders:checkout"), form)
    order = Order.objects.get()
    again = buyer_client.post(reverse("orders:checkout"), form)
    assert again["Location"] == reverse("orders:order_detail", args=[order.pk])
    assert Order.objects.count() == 1


# --- the walkthrough -------------------------------------------------------------------------


def test_suggestion_chips_add_what_is_missing_not_the_total(buyer_client, buyer, cup):
    cart_add(user=buyer, product=cup, qty=3000)
    response = buyer_client.post(
        ADD, {"sku": cup.sku, "qty": 1500, "unit": "units"}, headers=HTMX
    )  # 4,500 in all: 4,000 or 5,000 would work
    chips = re.findall(r'name="exact_units" value="(\d+)"', response.text)
    assert chips == ["1000", "2000"]
    buyer_client.post(ADD, {"sku": cup.sku, "qty": 1, "unit": "units", "exact_units": "2000"})
    assert cart_of(buyer) == {"CS-8OZ-ECO": 5000}


def test_a_refused_cart_edit_keeps_what_was_typed_and_offers_amounts(buyer_client, buyer, cup):
    line, _ = cart_add(user=buyer, product=cup, qty=5000)
    url = reverse("orders:cart_line_update", args=[line.pk])
    response = buyer_client.post(url, {"qty": 7500, "unit": "units"}, headers=HTMX)
    assert 'value="7500"' in response.text
    assert re.findall(r'name="exact_units" value="(\d+)"', response.text) == ["7000", "8000"]
    buyer_client.post(url, {"qty": 7, "unit": "cases"}, headers=HTMX)  # cases work too
    line.refresh_from_db()
    assert line.qty == 7000


def test_removing_a_line_says_so_offers_undo_and_clears_old_messages(buyer_client, buyer, cup):
    line, _ = cart_add(user=buyer, product=cup, qty=5000)
    response = buyer_client.post(reverse("orders:cart_line_remove", args=[line.pk]), headers=HTMX)
    assert "Removed 5,000 units of 8 oz Eco Paper Cup" in response.text
    assert '<div id="messages" hx-swap-oob="innerHTML"></div>' in response.text  # old ones go
    undo = re.search(r'<form class="note note-ok removed".*?</form>', response.text, re.S)[0]
    data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', undo))
    buyer_client.post(ADD, data)
    assert cart_of(buyer) == {"CS-8OZ-ECO": 5000}


def test_an_approver_sees_the_orders_waiting_for_them(client, buyer, approver, place):
    order = place(buyer)
    client.force_login(approver)
    page = client.get(reverse("home")).text
    assert re.search(r'tile-n">1</span> <span class="tile-label">order needs you', page)
    assert reverse("orders:approval_detail", args=[order.pk]) in page


def test_a_refused_order_can_drop_a_line(buyer_client, buyer, cup, lid, address, web_supplier):
    cart_add(user=buyer, product=cup, qty=5000)
    cart_add(user=buyer, product=lid, qty=500)
    order = order_place(user=buyer, cart=cart_for(buyer), address=address)
    Order.objects.filter(pk=order.pk).update(state=Order.State.NEEDS_CHANGES)
    cup_line, lid_line = order.lines.order_by("pk")
    buyer_client.post(
        reverse("orders:order_resubmit", args=[order.pk]),
        {f"qty-{cup_line.pk}": "5000", f"qty-{lid_line.pk}": "0"},
    )
    order.refresh_from_db()
    assert [line.sku for line in order.lines.all()] == ["CS-8OZ-ECO"]
    assert order.payload["items"] == [{"sku": "CS-8OZ-ECO", "qty": 5000}]


def test_the_refusal_banner_says_it_once(buyer_client, make_order):
    order = make_order(submit=False)
    Order.objects.filter(pk=order.pk).update(
        state=Order.State.NEEDS_CHANGES,
        problem="Fix the lines marked below and send it again.",
    )
    page = buyer_client.get(reverse("orders:order_detail", args=[order.pk])).text
    banner = re.search(r'<section class="alert alert-error".*?</section>', page, re.S)[0]
    assert banner.count("send it again") == 1


def test_a_resent_order_is_audited_once_with_its_new_amount_and_address(
    buyer_client, buyer, cup, address, web_supplier
):
    cart_add(user=buyer, product=cup, qty=5000)
    order = order_place(user=buyer, cart=cart_for(buyer), address=address)
    Order.objects.filter(pk=order.pk).update(state=Order.State.NEEDS_CHANGES)
    line = order.lines.get()
    buyer_client.post(
        reverse("orders:order_resubmit", args=[order.pk]),
        {f"qty-{line.pk}": "3000"},
        REMOTE_ADDR="198.51.100.7",
    )
    [resent] = AuditEntry.objects.filter(action=AuditEntry.Action.ORDER_RESENT)
    assert "$144.00" in resent.summary and resent.details["subtotal"] == "144.0000"
    assert resent.ip_address == "198.51.100.7"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ORDER_SUBMITTED).count() == 1


def test_the_product_still_exists_for_every_test_here(cup):
    assert Product.objects.filter(sku=cup.sku).exists()
