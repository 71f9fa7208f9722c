"""The standing-order pages, the forecast page and the one-click restock: each works without
JavaScript, htmx actions get their partial back, bad input is told next to its field (never a
500, never half a write), and a buyer sees only their own standing orders."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from favourites.models import SavedList, SavedListItem
from orders_app.models import CartLine
from orders_app.services import cart_add
from replenishment.models import StandingOrder
from tests.replenishment.test_forecast import deliver

HTMX = {"HX-Request": "true"}


@pytest.fixture
def weekly(buyer, cup, lid):
    saved = SavedList.objects.create(name="Weekly café", created_by=buyer, updated_by=buyer)
    SavedListItem.objects.create(saved_list=saved, product=cup, qty=10_000)
    SavedListItem.objects.create(saved_list=saved, product=lid, qty=10_000)
    return saved


def form_data(ship_to, **changes):
    today = timezone.localdate()
    return {
        "name": "Weekly café", "frequency": "weekly", "every_weeks": "2",
        "weekday": str(today.weekday()), "day_of_month": "1", "start_date": str(today),
        "end_date": "", "send_time": "06:00", "time_zone": "America/Los_Angeles",
        "address": str(ship_to.pk), "po_pattern": "WEEKLY-{date}", "on_shortage": "reduce",
    } | changes  # fmt: skip


def new_url(weekly):
    return reverse("replenishment:standing_new") + f"?list={weekly.pk}"


def test_the_new_page_shows_the_lists_lines_and_a_filled_in_form(buyer_client, weekly, address):
    response = buyer_client.get(new_url(weekly))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Order this regularly" in body
    assert "From Team list “Weekly café”" in body
    assert 'value="Weekly café"' in body
    assert "10,000 units" in body


def test_it_is_set_up_from_a_list_and_shows_its_next_date(buyer_client, buyer, weekly, address):
    response = buyer_client.post(new_url(weekly), form_data(address))

    so = StandingOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("replenishment:standing_detail", args=[so.pk])
    assert (so.owner, so.source, so.next_date) == (buyer, "Team list “Weekly café”",
                                                   timezone.localdate())  # fmt: skip
    assert so.lines.count() == 2
    page = buyer_client.get(response["Location"]).content.decode()
    assert "Every 2 weeks on" in page
    assert "WEEKLY-" in page


def test_it_is_set_up_from_the_cart(buyer_client, buyer, cup, address):
    cart_add(user=buyer, product=cup, qty=5000)
    url = reverse("replenishment:standing_new") + "?source=cart"

    buyer_client.post(url, form_data(address, name="Cups"))

    so = StandingOrder.objects.get()
    assert [(line.product.sku, line.qty) for line in so.lines.all()] == [("CS-8OZ-ECO", 5000)]
    assert so.source == "Your cart"
    assert CartLine.objects.count() == 1  # the cart is left as it was


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"po_pattern": "WEEK-{week}"}, "po_pattern", "{week} is not something Cupboard can fill"),
        ({"po_pattern": "WEEK-{date"}, "po_pattern", "Use braces only around"),
        ({"po_pattern": "X" * 60 + "{date}"}, "po_pattern", "at most 64"),
        ({"start_date": "2020-01-01"}, "start_date", "Choose today or a later date."),
        ({"start_date": "not a date"}, "start_date", "Enter a date"),
        ({"day_of_month": "40"}, "day_of_month", "Enter a day from 1 to 31."),
        ({"every_weeks": "99"}, "every_weeks", "Select a valid choice"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice"),
        ({"send_time": "25:00"}, "send_time", "Enter a time of day"),
        ({"address": "999999"}, "address", "no longer in the address book"),
        ({"name": ""}, "name", "Give it a name"),
        ({"start_date": "9999-12-31"}, "start_date", "within the next two years"),
        ({"frequency": "monthly", "day_of_month": ""}, "day_of_month", "Choose the day"),
        ({"frequency": "yearly"}, "frequency", "Select a valid choice"),
        ({"weekday": "9"}, "weekday", "Select a valid choice"),
        ({"name": "x" * 81}, "name", "at most 80 characters"),
    ],
)
def test_bad_input_is_told_next_to_its_field_and_nothing_is_saved(
    buyer_client, weekly, address, changes, field, message
):
    response = buyer_client.post(new_url(weekly), form_data(address, **changes))

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not StandingOrder.objects.exists()


def test_a_weekly_schedule_needs_no_day_of_the_month(buyer_client, weekly, address):
    response = buyer_client.post(new_url(weekly), form_data(address, day_of_month=""))

    assert response.status_code == 302
    assert StandingOrder.objects.get().day_of_month == 1


def test_an_end_before_any_date_of_the_schedule_is_refused(buyer_client, weekly, address):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    data = form_data(address, start_date=str(tomorrow), end_date=str(tomorrow + timedelta(1)),
                     weekday=str((today.weekday() + 5) % 7))  # fmt: skip

    response = buyer_client.post(new_url(weekly), data)

    assert response.status_code == 400
    assert "No date of this schedule falls between" in str(response.context["form"].errors)
    assert not StandingOrder.objects.exists()


def test_a_list_with_a_line_that_cannot_be_ordered_is_refused_with_the_reason(
    buyer_client, weekly, address, cup
):
    SavedListItem.objects.filter(product=cup).update(qty=2500)

    response = buyer_client.post(new_url(weekly), form_data(address))

    assert response.status_code == 400
    assert "comes in cases of 1,000" in response.content.decode()
    assert not StandingOrder.objects.exists()


def test_a_list_that_is_not_a_number_or_gone_is_a_404(buyer_client):
    url = reverse("replenishment:standing_new")
    assert buyer_client.get(url + "?list=abc").status_code == 404
    assert buyer_client.get(url + "?list=99999").status_code == 404
    assert buyer_client.get(url).status_code == 200  # asks where the lines come from


def test_another_buyers_standing_order_is_not_found(client, other_buyer, make_standing):
    so = make_standing()
    client.force_login(other_buyer)

    assert client.get(reverse("replenishment:standing_detail", args=[so.pk])).status_code == 404
    assert client.post(reverse("replenishment:standing_pause", args=[so.pk])).status_code == 404
    so.refresh_from_db()
    assert so.status == "active"


def test_skipping_with_htmx_returns_the_panel(buyer_client, make_standing):
    so = make_standing(now=timezone.now(), start_date=timezone.localdate() + timedelta(days=1),
                       weekday=(timezone.localdate() + timedelta(days=1)).weekday())  # fmt: skip
    first = so.next_date

    response = buyer_client.post(reverse("replenishment:standing_skip", args=[so.pk]), headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="standing-panel"')
    assert "Skipped" in body and "Undo" in body
    assert f"Skipped {first:%a}, {first:%b} {first.day}." in body  # the message, out of band
    so.refresh_from_db()
    assert so.next_date == first + timedelta(weeks=2)


def test_undo_the_skip_without_javascript(buyer_client, make_standing):
    start = timezone.localdate() + timedelta(days=1)
    so = make_standing(now=timezone.now(), start_date=start, weekday=start.weekday())
    buyer_client.post(reverse("replenishment:standing_skip", args=[so.pk]))

    response = buyer_client.post(
        reverse("replenishment:standing_unskip", args=[so.pk]), {"date": str(start)}
    )

    assert response.status_code == 302
    so.refresh_from_db()
    assert so.next_date == start
    bad = buyer_client.post(reverse("replenishment:standing_unskip", args=[so.pk]), {"date": "x"})
    assert bad.status_code == 302


def test_pause_and_resume(buyer_client, make_standing):
    so = make_standing(now=timezone.now(), start_date=timezone.localdate())
    pause = reverse("replenishment:standing_pause", args=[so.pk])
    resume = reverse("replenishment:standing_resume", args=[so.pk])

    body = buyer_client.post(pause, headers=HTMX).content.decode()
    assert "Paused: it orders nothing until you resume it." in body
    assert buyer_client.post(pause).status_code == 302  # a second pause: a message, no 500
    buyer_client.post(resume)
    so.refresh_from_db()
    assert so.status == "active"


def test_stop_asks_first(buyer_client, make_standing):
    so = make_standing()
    url = reverse("replenishment:standing_stop", args=[so.pk])

    assert "Stop “Weekly café”?" in buyer_client.get(url).content.decode()
    so.refresh_from_db()
    assert so.status == "active"
    buyer_client.post(url)
    so.refresh_from_db()
    assert so.status == "ended"


def test_editing_the_schedule(buyer_client, make_standing, address):
    so = make_standing(now=timezone.now(), start_date=timezone.localdate())
    url = reverse("replenishment:standing_edit", args=[so.pk])
    assert buyer_client.get(url).status_code == 200

    data = form_data(address, frequency="monthly", day_of_month="31",
                     start_date=str(so.start_date))  # fmt: skip
    response = buyer_client.post(url, data)

    assert response.status_code == 302
    so.refresh_from_db()
    assert so.schedule_text == "Monthly on the 31st (the last day in shorter months)"


def test_lines_change_on_the_page_and_a_bad_quantity_says_why(buyer_client, make_standing, cup):
    so = make_standing()
    line = so.lines.get(product=cup)
    update = reverse("replenishment:line_update", args=[so.pk, line.pk])

    buyer_client.post(update, {"qty": "2500"})
    line.refresh_from_db()
    assert line.qty == 10_000
    page = buyer_client.get(reverse("replenishment:standing_detail", args=[so.pk]))
    assert "comes in cases of 1,000" in page.content.decode()

    buyer_client.post(update, {"qty": "abc"})
    buyer_client.post(update, {"qty": "20000"})
    line.refresh_from_db()
    assert line.qty == 20_000


def test_adding_a_product_by_sku(buyer_client, make_standing, cup, make_product):
    so = make_standing(items=[(cup, 10_000)])
    url = reverse("replenishment:line_add", args=[so.pk])
    make_product("CS-12OZ", case_pack=500, min_order_qty=500)

    missing = buyer_client.post(url, {"sku": "CS-NOPE", "qty": "2", "unit": "cases"})
    assert missing.status_code == 400
    assert "No product CS-NOPE in the catalog." in missing.content.decode()
    buyer_client.post(url, {"sku": "cs-12oz", "qty": "4", "unit": "cases"})

    assert dict(so.lines.values_list("product__sku", "qty")) == {"CS-8OZ-ECO": 10_000,
                                                                 "CS-12OZ": 2000}  # fmt: skip


def test_another_buyers_line_cannot_be_changed(client, other_buyer, make_standing, cup):
    so = make_standing()
    line = so.lines.get(product=cup)
    client.force_login(other_buyer)

    response = client.post(reverse("replenishment:line_update", args=[so.pk, line.pk]),
                           {"qty": "20000"})  # fmt: skip

    assert response.status_code == 404
    line.refresh_from_db()
    assert line.qty == 10_000


def test_the_list_page_and_the_overview_card_show_it(buyer_client, make_standing):
    make_standing(now=timezone.now(), start_date=timezone.localdate() + timedelta(days=3))

    listing = buyer_client.get(reverse("replenishment:standing_list")).content.decode()
    overview = buyer_client.get(reverse("home")).content.decode()

    assert "Weekly café" in listing and "Every 2 weeks" in listing
    assert 'id="standing"' in overview and "Weekly café" in overview


# --- forecasts and one-click restock ---------------------------------------------------------


@pytest.fixture
def running_low(make_order):
    latest = timezone.localdate() - timedelta(days=10)
    for weeks_ago in (6, 4, 2, 0):
        deliver(make_order(qty=10_000), latest - timedelta(weeks=weeks_ago))
    return latest


def test_the_overview_card_suggests_a_restock_with_the_reason(buyer_client, running_low):
    body = buyer_client.get(reverse("home")).content.decode()

    assert "Running out soon" in body
    assert "You use ~710 a day; the 10,000 delivered" in body
    assert "Add 10,000 to cart" in body
    assert 'name="once"' in body


def test_one_click_restock_adds_to_the_cart_once(buyer_client, buyer, running_low):
    page = buyer_client.get(reverse("home"))
    token = page.content.decode().split('name="once" value="')[1].split('"')[0]
    data = {"sku": "CS-8OZ-ECO", "qty": "10000", "once": token}

    first = buyer_client.post(reverse("replenishment:restock"), data, headers=HTMX)
    again = buyer_client.post(reverse("replenishment:restock"), data, headers=HTMX)

    assert "Added 10,000 units — 10,000 in your cart." in first.content.decode()
    assert "cartUpdated" in first["HX-Trigger"]
    assert "nothing was added again" in again.content.decode()
    assert CartLine.objects.get(cart__user=buyer, cart__status="open").qty == 10_000


def test_restock_without_javascript_goes_to_the_cart(buyer_client, running_low):
    token = "a" * 32
    response = buyer_client.post(
        reverse("replenishment:restock"), {"sku": "CS-8OZ-ECO", "qty": "10000", "once": token}
    )
    assert response["Location"] == reverse("orders:cart")


def test_a_bad_restock_quantity_is_refused_in_words(buyer_client, running_low):
    response = buyer_client.post(
        reverse("replenishment:restock"),
        {"sku": "CS-8OZ-ECO", "qty": "2500", "once": "b" * 32},
        headers=HTMX,
    )
    assert "comes in cases of 1,000" in response.content.decode()
    junk = buyer_client.post(reverse("replenishment:restock"), {"sku": "", "qty": "x"},
                             headers=HTMX)  # fmt: skip
    assert junk.status_code == 200 and "note-error" in junk.content.decode()
    assert not CartLine.objects.filter(cart__status="open").exists()


def test_the_forecast_page_lists_every_forecast(buyer_client, running_low):
    body = buyer_client.get(reverse("replenishment:forecast")).content.decode()

    assert "Run-out forecast" in body
    assert "8 oz Eco Paper Cup" in body
    assert "Fairly sure: 4 deliveries at a steady rate" in body


def test_a_time_zone_set_under_another_install_setting_can_still_be_kept(
    buyer_client, make_standing, address
):
    so = make_standing(time_zone="Europe/Paris")
    url = reverse("replenishment:standing_edit", args=[so.pk])

    assert 'value="Europe/Paris" selected' in buyer_client.get(url).content.decode()
    data = form_data(address, time_zone="Europe/Paris", start_date=str(so.start_date),
                     name="Renamed")  # fmt: skip
    assert buyer_client.post(url, data).status_code == 302
    so.refresh_from_db()
    assert (so.name, so.time_zone) == ("Renamed", "Europe/Paris")
