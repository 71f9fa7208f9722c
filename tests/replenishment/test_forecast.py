"""Run-out forecasts: the maths on made-up histories (regular, irregular, a one-off bulk buy),
read from the orders' stored tracking, kept until an order changes, never from the API; and
what the overview's "Running out soon" makes of them."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from orders_app.models import Order
from replenishment import forecast as forecast_module
from replenishment.forecast import (
    Delivery,
    delivered_on,
    forecast_from,
    forecasts,
    restock_list,
    suggested_units,
)

D = date


def every(start: date, days: int, units: list[int]) -> list[Delivery]:
    return [Delivery(start + timedelta(days=days * i), qty) for i, qty in enumerate(units)]


# --- the maths -------------------------------------------------------------------------------


def test_a_regular_rhythm_gives_a_sure_forecast():
    # 10,000 every two weeks from Jan 5: 40,000 used over 56 days.
    f = forecast_from(every(D(2026, 1, 5), 14, [10_000] * 5))

    assert f.per_day == pytest.approx(714.29, abs=0.01)
    assert f.last == Delivery(D(2026, 3, 2), 10_000)
    assert f.runs_out == D(2026, 3, 16)
    assert (f.typical_days, f.deliveries, f.ignored, f.confidence) == (14, 5, 0, "high")


def test_an_irregular_history_gives_a_less_sure_forecast():
    history = [Delivery(D(2026, 1, 5), 10_000), Delivery(D(2026, 1, 16), 8_000),
               Delivery(D(2026, 2, 3), 12_000), Delivery(D(2026, 2, 13), 9_000),
               Delivery(D(2026, 3, 2), 10_000)]  # fmt: skip

    f = forecast_from(history)

    assert f.per_day == pytest.approx(39_000 / 56)  # ~696 a day
    assert f.runs_out == D(2026, 3, 16)  # 10,000 / 696 = 14.4 days
    assert (f.ignored, f.confidence) == (0, "medium")


def test_a_very_irregular_history_is_a_rough_guess():
    days = [D(2026, 1, 5), D(2026, 1, 12), D(2026, 2, 9), D(2026, 2, 16), D(2026, 3, 2)]

    f = forecast_from([Delivery(day, 10_000) for day in days])

    assert f.confidence == "low"
    assert f.sureness == "A rough guess: your use varies a lot between deliveries"


def test_a_one_off_bulk_buy_used_up_at_once_is_left_out():
    # Feb 2 brought 50,000 (an event) and the next delivery still came two weeks later.
    f = forecast_from(every(D(2026, 1, 5), 14, [10_000, 10_000, 50_000, 10_000, 10_000]))

    assert f.ignored == 1
    assert f.per_day == pytest.approx(30_000 / 42)  # the three ordinary fortnights
    assert f.runs_out == D(2026, 3, 16)


def test_a_bulk_buy_that_lasts_longer_is_kept_and_pushes_the_date_out():
    # 30,000 on Feb 2 lasted six weeks, at the usual rate.
    history = [*every(D(2026, 1, 5), 14, [10_000, 10_000, 30_000]),
               Delivery(D(2026, 3, 16), 10_000)]  # fmt: skip

    f = forecast_from(history)

    assert f.ignored == 0
    assert f.per_day == pytest.approx(714.29, abs=0.01)
    assert f.runs_out == D(2026, 3, 30)


def test_a_bulk_buy_as_the_latest_delivery_lasts_accordingly():
    f = forecast_from(every(D(2026, 1, 5), 14, [10_000, 10_000, 10_000, 10_000, 50_000]))

    assert f.runs_out == D(2026, 3, 2) + timedelta(days=70)  # 50,000 at ~714 a day: May 11
    assert f.runs_out == D(2026, 5, 11)


def test_fewer_than_three_delivery_days_give_no_forecast():
    assert forecast_from(every(D(2026, 1, 5), 14, [10_000, 10_000])) is None
    # Two orders delivered the same day are one delivery.
    same_day = [*every(D(2026, 1, 5), 14, [10_000, 10_000]), Delivery(D(2026, 1, 19), 5_000)]
    assert forecast_from(same_day) is None


def test_same_day_deliveries_add_up():
    history = [*every(D(2026, 1, 5), 14, [10_000, 5_000, 10_000]), Delivery(D(2026, 1, 19), 5_000)]

    f = forecast_from(history)

    assert f.per_day == pytest.approx(20_000 / 28)


def test_units_on_order_push_the_run_out_date_out():
    f = forecast_from(every(D(2026, 1, 5), 14, [10_000] * 5), on_order=5_000)

    assert f.runs_out == D(2026, 3, 16)
    assert f.covered_until == D(2026, 3, 23)


# --- from the database -----------------------------------------------------------------------


def deliver(order: Order, day: date) -> Order:
    """Cup Source delivered the order on `day` (15:00), as its stored tracking says."""
    at = timezone.make_aware(datetime(day.year, day.month, day.day, 15, 0))
    tracking = {"order_id": order.supplier_order_id, "status": "delivered", "carrier": "UPS",
                "tracking_number": "1Z1", "estimated_delivery": str(day),
                "signature_required": False,
                "events": [{"at": (at - timedelta(days=1)).isoformat(), "status": "in_transit",
                            "location": "Reno, NV", "description": "Picked up"},
                           {"at": at.isoformat(), "status": "delivered", "location": "Portland",
                            "description": "Delivered"}]}  # fmt: skip
    Order.objects.filter(pk=order.pk).update(supplier_status="delivered", tracking=tracking)
    return order


@pytest.fixture
def history(make_order):
    """The team's cups: 10,000 delivered every two weeks, the latest ten days ago."""
    today = timezone.localdate()
    latest = today - timedelta(days=10)
    for weeks_ago in (8, 6, 4, 2, 0):
        deliver(make_order(qty=10_000), latest - timedelta(weeks=weeks_ago))
    return latest


def test_the_delivery_day_comes_from_the_stored_tracking():
    assert delivered_on({"events": [{"status": "delivered", "at": "2026-03-02T20:00:00Z"}]}) == (
        D(2026, 3, 2)
    )
    assert delivered_on({"status": "delivered", "estimated_delivery": "2026-03-03",
                         "events": []}) == D(2026, 3, 3)  # fmt: skip
    assert delivered_on({"status": "in_transit", "estimated_delivery": "2026-03-03"}) is None
    assert delivered_on(None) is None


def test_forecasts_are_read_from_cupboards_orders_never_the_api(history, no_api):
    f = forecasts()["CS-8OZ-ECO"]

    assert f.last == Delivery(history, 10_000)
    assert f.runs_out == history + timedelta(days=14)
    assert no_api == []


def test_orders_not_delivered_count_as_on_order_not_as_history(history, make_order):
    make_order(qty=6_000)  # accepted, on its way

    f = forecasts()["CS-8OZ-ECO"]

    assert (f.deliveries, f.on_order) == (5, 6_000)


def test_forecasts_are_computed_once_per_order_change(history, make_order, monkeypatch):
    calls = []
    compute = forecast_module.compute_forecasts
    monkeypatch.setattr(forecast_module, "compute_forecasts",
                        lambda: calls.append(1) or compute())  # fmt: skip

    forecasts()
    forecasts()
    assert len(calls) == 1

    make_order(qty=4_000)  # a new order: its ledger events change the orders' version
    assert forecasts()["CS-8OZ-ECO"].on_order == 4_000
    assert len(calls) == 2


def test_a_delivery_seen_by_the_tracking_refresh_changes_the_forecast(
    history, make_order, supplier
):
    from orders_app.tracking import tracking_for

    order = make_order(qty=10_000)
    before = forecasts()["CS-8OZ-ECO"]
    today = timezone.localdate()
    supplier.tracking[order.supplier_order_id] = {
        "order_id": order.supplier_order_id, "status": "delivered", "carrier": "UPS",
        "tracking_number": "1Z2", "estimated_delivery": str(today), "signature_required": False,
        "events": [{"at": timezone.now().isoformat(), "status": "delivered",
                    "location": "Portland, OR", "description": "Delivered"}],
    }  # fmt: skip

    tracking_for(order, client_factory=supplier.client)

    after = forecasts()["CS-8OZ-ECO"]
    assert (before.deliveries, after.deliveries) == (5, 6)
    assert after.last == Delivery(today, 10_000)


# --- running out soon ------------------------------------------------------------------------


def test_running_out_soon_says_why_and_suggests_whole_cases(history, cup):
    today = timezone.localdate()

    (row,) = restock_list(today=today)

    assert row.product == cup
    assert row.suggested == 10_000
    runs_out = history + timedelta(days=14)
    assert row.reason == (
        f"You use ~710 a day; the 10,000 delivered {history:%b} {history.day} last until about "
        f"{runs_out:%b} {runs_out.day}."
    )


def test_what_lasts_beyond_two_weeks_is_not_running_out_soon(history, make_order):
    make_order(qty=20_000)  # on order: four more weeks

    assert restock_list(today=timezone.localdate()) == []
    assert len(restock_list(today=timezone.localdate(), soon_only=False)) == 1


def test_what_ran_out_long_ago_is_not_running_out_soon(history):
    assert restock_list(today=history + timedelta(days=14 + 8)) == []
    assert len(restock_list(today=history + timedelta(days=14 + 6))) == 1


def test_a_standing_order_that_orders_it_in_time_covers_it(history, make_standing, cup, buyer):
    from replenishment.services import standing_order_pause

    runs_out = history + timedelta(days=14)
    so = make_standing(items=[(cup, 10_000)], start_date=runs_out - timedelta(days=2),
                       weekday=(runs_out - timedelta(days=2)).weekday(),
                       now=timezone.now())  # fmt: skip

    assert restock_list(today=timezone.localdate()) == []
    standing_order_pause(standing_order=so, user=buyer)
    assert len(restock_list(today=timezone.localdate())) == 1


def test_a_product_no_longer_offered_is_not_suggested(history, cup):
    cup.discontinued = True
    cup.save()

    assert restock_list(today=timezone.localdate(), soon_only=False) == []


def test_the_suggestion_is_at_least_the_minimum_in_whole_cases(make_product):
    big_minimum = make_product("CS-BIG", case_pack=1000, min_order_qty=25_000)
    f = forecast_from(every(D(2026, 1, 5), 14, [10_000] * 4))
    assert suggested_units(f, big_minimum) == 25_000
    odd_cases = make_product("CS-ODD", case_pack=3000, min_order_qty=3000)
    assert suggested_units(f, odd_cases) == 12_000  # 10,000 rounded up to whole cases
