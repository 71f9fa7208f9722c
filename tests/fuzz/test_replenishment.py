"""Fuzzing standing orders and the run-out forecast: setting one up from a list or the cart,
editing it, pausing, resuming, skipping, unskipping and stopping it, changing its lines, and
putting a forecast's suggestion into the cart."""

from datetime import date
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import (
    LISTS,
    SKUS,
    dates,
    form,
    fuzz,
    htmx,
    ids,
    once,
    over,
    quantity,
    value,
)

STANDING = ids("@standing", "@other_standing")
STANDING_LINES = ids("@sline", "@other_sline")
VALID = {
    "name": "Weekly cups", "frequency": "weekly", "every_weeks": "1", "weekday": "0",
    "day_of_month": "1", "start_date": date.today().isoformat(), "send_time": "06:00",
    "time_zone": "America/New_York", "address": "@address", "po_pattern": "W-{date}",
    "on_shortage": "reduce",
}  # fmt: skip
SCHEDULE = over(
    VALID,
    form(
        name=value("Weekly cups", "x" * 80, "x" * 81),
        frequency=value("weekly", "monthly", "daily"),
        every_weeks=value(1, 2, 4, 5, 0),
        weekday=value(0, 6, 7, -1),
        day_of_month=value(1, 28, 31, 32, 0, ""),
        start_date=dates,
        end_date=value("", "2027-06-30", "2026-01-01"),
        send_time=value("06:00", "23:59", "24:00", "6am"),
        time_zone=value("America/New_York", "America/Chicago", "UTC", "Mars/Olympus"),
        address=value("@address", "0", "99999"),
        po_pattern=value("WEEKLY-{date}", "{n}", "{x}", "{", "x" * 65, "{date}" * 10),
        on_shortage=value("reduce", "drop", "hold", "wait"),
    ),
)


@fuzz(max_examples=250)
@given(
    source=form(list=value("@list", "@other_list", "0", "9" * 30), source=value("cart", "list")),
    sent=SCHEDULE,
    method=st.sampled_from(["get", "post", "post"]),
)
def test_setting_up_a_standing_order(shop, source, sent, method):
    buyer = shop.visitor("buyer")
    path = f"/standing/new/?{urlencode(shop.resolve(source), doseq=True)}"
    with shop.example() as case:
        if method == "get":
            case.check(buyer.get(path), writes=False)
        else:
            case.check(buyer.post(path, shop.resolve(sent)))


@fuzz(max_examples=250)
@given(standing=STANDING, sent=SCHEDULE, method=st.sampled_from(["get", "post", "post"]))
def test_editing_a_standing_order(shop, standing, sent, method):
    buyer = shop.visitor("buyer")
    path = f"/standing/{shop.resolve(standing)}/edit/"
    with shop.example() as case:
        if method == "get":
            response = buyer.get(path)
            case.check(response, writes=False)
        else:
            response = buyer.post(path, shop.resolve(sent))
            case.check(response)
        if standing == "@other_standing":
            assert response.status_code == 404


@fuzz(max_examples=300)
@given(
    standing=STANDING,
    action=st.sampled_from(["", "pause/", "resume/", "skip/", "unskip/", "stop/", "stop/"]),
    sent=form(date=dates),
    method=st.sampled_from(["get", "post", "post"]),
    hx=htmx,
)
def test_pausing_skipping_and_stopping(shop, standing, action, sent, method, hx):
    buyer = shop.visitor("buyer")
    path = f"/standing/{shop.resolve(standing)}/{action}"
    with shop.example() as case:
        if method == "get":
            response = buyer.get(path, sent, htmx=hx)
            case.check(response, writes=False)
        else:
            response = buyer.post(path, sent, htmx=hx)
            case.check(response)
        if standing == "@other_standing":
            assert response.status_code in (404, 405)
            assert case.unchanged()


@fuzz(max_examples=300)
@given(
    standing=STANDING,
    line=STANDING_LINES,
    action=st.sampled_from(["add", "update", "remove"]),
    sent=form(
        sku=value(*SKUS, "cs-8oz-eco", "CS-NOPE"),
        qty=quantity(1, 5, 5000),
        unit=value("cases", "units"),
    ),
    hx=htmx,
)
def test_changing_its_lines(shop, standing, line, action, sent, hx):
    buyer = shop.visitor("buyer")
    base = f"/standing/{shop.resolve(standing)}/lines/"
    path = {"add": base, "update": f"{base}{shop.resolve(line)}/",
            "remove": f"{base}{shop.resolve(line)}/remove/"}[action]  # fmt: skip
    with shop.example() as case:
        response = buyer.post(path, sent, htmx=hx)
        case.check(response)
        if "other" in standing or (action != "add" and "other" in line):
            assert response.status_code == 404
            assert case.unchanged()


@fuzz(max_examples=250)
@given(
    page=st.sampled_from(["/standing/", "/standing/{}/", "/restock/"]),
    standing=STANDING,
    params=form(page=value(1, 2, 0), list=LISTS, source=value("cart")),
    hx=htmx,
)
def test_the_standing_orders_and_the_forecast_pages(shop, page, standing, params, hx):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        response = buyer.get(page.format(shop.resolve(standing)), shop.resolve(params), htmx=hx)
        case.check(response, writes=False)


@fuzz(max_examples=250)
@given(
    sent=form(sku=value(*SKUS, "CS-NOPE", "cs-dome-lid"), qty=quantity(1000, 5000)),
    token=once,
    hx=htmx,
)
def test_adding_a_forecasts_suggestion_once(shop, sent, token, hx):
    buyer = shop.visitor("buyer")
    data = {**sent, "once": token}
    with shop.example() as case:
        case.check_replay(lambda: buyer.post("/restock/add/", data, htmx=hx))
