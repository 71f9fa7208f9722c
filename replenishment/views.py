from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from catalog_app.models import Product
from core.http import safe_next
from core.once import AlreadyDone
from favourites.forms import ListItemForm
from favourites.models import SavedList
from orders_app.forms import first_error
from orders_app.models import Address, BuyerSettings, subtotal
from orders_app.quantities import check_quantity
from orders_app.services import CartError, cart_for
from replenishment import schedule
from replenishment.forecast import restock_list
from replenishment.forms import LineQuantityForm, RestockForm, StandingOrderForm
from replenishment.models import Occurrence, StandingOrder, StandingOrderLine
from replenishment.services import (
    StandingError,
    day_text,
    restock_add,
    standing_line_add,
    standing_line_remove,
    standing_line_set,
    standing_order_create,
    standing_order_pause,
    standing_order_resume,
    standing_order_skip,
    standing_order_stop,
    standing_order_unskip,
    standing_order_update,
)

# --- standing orders -------------------------------------------------------------------------


@require_GET
def standing_list(request: HttpRequest) -> TemplateResponse:
    standing = StandingOrder.objects.for_user(request.user).prefetch_related("lines")
    context = {"standing_orders": standing, "lists": SavedList.objects.all()}
    return TemplateResponse(request, "replenishment/standing_list.html", context)


def _source(request: HttpRequest):
    """Where a new standing order's lines come from (?list=<id> or ?source=cart): (what it is
    called, the lines as (product, units), the default name); None when not said."""
    list_id = request.GET.get("list", "")
    if list_id:
        if not (list_id.isascii() and list_id.isdigit() and len(list_id) <= 18):
            raise Http404("No such list.")
        saved = get_object_or_404(SavedList, pk=int(list_id))
        items = [(i.product, i.qty) for i in saved.items.select_related("product")]
        return f"Team list “{saved.name}”", items, saved.name
    if request.GET.get("source") == "cart":
        lines = cart_for(request.user).lines.select_related("product")
        today = timezone.localdate()
        return (
            "Your cart",
            [(line.product, line.qty) for line in lines],
            f"Cart of {today:%b} {today.day}",
        )
    return None


@require_http_methods(["GET", "POST"])
def standing_new(request: HttpRequest) -> HttpResponse:
    """Set up a standing order from a team list or the cart (chosen with ?list= / ?source=)."""
    source = _source(request)
    if source is None:
        return TemplateResponse(request, "replenishment/standing_choose.html",
                                {"lists": SavedList.objects.all()})  # fmt: skip
    what, items, name = source
    if request.method == "POST":
        form = StandingOrderForm(request.POST)
        if form.is_valid():
            standing_order = form.save(commit=False)
            standing_order.source = what
            try:
                standing_order_create(user=request.user, standing_order=standing_order, items=items)
            except StandingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"“{standing_order.name}” is set up. {_next(standing_order)}"
                )
                return redirect("replenishment:standing_detail", standing_id=standing_order.pk)
    else:
        form = StandingOrderForm(initial=_initial(request.user, name))
    context = {"form": form, "what": what, "rows": _rows(items), "subtotal": _subtotal(items),
               "has_addresses": Address.objects.exists()}  # fmt: skip
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "replenishment/standing_form.html", context, status=status)


def _initial(user, name: str) -> dict:
    default = BuyerSettings.objects.filter(user=user).values_list("default_address", flat=True)
    address = default.first() or Address.objects.values_list("pk", flat=True).first()
    today = timezone.localdate()
    return {"name": name[:80], "start_date": today, "weekday": today.weekday(),
            "day_of_month": today.day, "address": address,
            "time_zone": settings.TIME_ZONE}  # fmt: skip


def _rows(items) -> list[dict]:
    return [{"product": p, "qty": qty, "check": check_quantity(p, qty)} for p, qty in items]


def _subtotal(items):
    return sum((p.unit_price * qty for p, qty in items), start=0)


def _next(so: StandingOrder) -> str:
    if so.status == StandingOrder.Status.PAUSED:
        return "It is paused."
    if so.next_date is None:
        return "It has no more dates: it has ended."
    if so.next_run_at <= timezone.now():
        return f"Its order for {day_text(so.next_date)} is written within a minute."
    return f"Next order: {day_text(so.next_date)} at {so.send_time:%H:%M}."


def _own(request: HttpRequest, standing_id: int) -> StandingOrder:
    return get_object_or_404(
        StandingOrder.objects.for_user(request.user).select_related("address"), pk=standing_id
    )


@require_GET
def standing_detail(request: HttpRequest, standing_id: int) -> TemplateResponse:
    return _detail(request, _own(request, standing_id))


def _detail(request, so, *, item_form=None, status=200, partial=False) -> TemplateResponse:
    template = "replenishment/standing_detail.html"
    if partial:
        template += "#standing-panel"
    return TemplateResponse(request, template, detail_context(so, item_form), status=status)


def detail_context(so: StandingOrder, item_form=None) -> dict:
    today = schedule.local_today(so.time_zone, timezone.now())
    occurrences = list(so.occurrences.select_related("order", "actor")[:100])
    skipped = {o.date: o for o in occurrences if o.outcome == Occurrence.Outcome.SKIPPED}
    upcoming = []  # the next dates it orders on, and the skipped ones before them
    if so.status == StandingOrder.Status.ACTIVE and so.next_date:
        for day in schedule.dates(so.rule, today):
            if day >= so.next_date or day in skipped:
                upcoming.append({"date": day, "skipped": skipped.get(day)})
            if len(upcoming) == 5:
                break
    lines = list(so.lines.select_related("product"))
    return {
        "so": so,
        "lines": [
            {"line": line, "check": check_quantity(line.product, line.qty)} for line in lines
        ],
        "subtotal": subtotal(lines),
        "upcoming": upcoming,
        "history": [o for o in occurrences if o.date <= today or o.order_id],
        "item_form": item_form or ListItemForm(initial={"unit": "cases"}),
        "example_po": so.po_for(so.next_date or today, so.next_number()),
    }


@require_http_methods(["GET", "POST"])
def standing_edit(request: HttpRequest, standing_id: int) -> HttpResponse:
    so = _own(request, standing_id)
    form = StandingOrderForm(request.POST if request.method == "POST" else None, instance=so)
    if form.is_valid():
        standing_order_update(
            standing_order=form.save(commit=False), user=request.user, changed=form.changed_data
        )
        messages.success(request, f"Saved “{so.name}”. {_next(so)}")
        return redirect("replenishment:standing_detail", standing_id=so.pk)
    context = {"form": form, "so": so, "has_addresses": Address.objects.exists()}
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "replenishment/standing_form.html", context, status=status)


def _act(request: HttpRequest, standing_id: int, action, done: str) -> HttpResponse:
    """Run a pause/resume/skip/unskip action; htmx gets the panel back, others a redirect."""
    so = _own(request, standing_id)
    try:
        result = action(so)
    except StandingError as exc:
        messages.error(request, exc.message)
    else:
        so.refresh_from_db()
        messages.success(request, done.format(result=result, name=so.name) + " " + _next(so))
    if not request.htmx:
        return redirect("replenishment:standing_detail", standing_id=so.pk)
    return _detail(request, so, partial=True)


@require_POST
@vary_on_headers("HX-Request")
def standing_pause(request: HttpRequest, standing_id: int) -> HttpResponse:
    pause = lambda so: standing_order_pause(standing_order=so, user=request.user)  # noqa: E731
    return _act(request, standing_id, pause, "Paused “{name}”: it orders nothing until resumed.")


@require_POST
@vary_on_headers("HX-Request")
def standing_resume(request: HttpRequest, standing_id: int) -> HttpResponse:
    resume = lambda so: standing_order_resume(standing_order=so, user=request.user)  # noqa: E731
    return _act(request, standing_id, resume, "Resumed “{name}”.")


@require_POST
@vary_on_headers("HX-Request")
def standing_skip(request: HttpRequest, standing_id: int) -> HttpResponse:
    skip = lambda so: day_text(standing_order_skip(standing_order=so, user=request.user))  # noqa: E731
    return _act(request, standing_id, skip, "Skipped {result}.")


@require_POST
@vary_on_headers("HX-Request")
def standing_unskip(request: HttpRequest, standing_id: int) -> HttpResponse:
    _own(request, standing_id)  # another buyer's: 404, whatever the date
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        messages.error(request, "That is not a date of this standing order.")
        return redirect("replenishment:standing_detail", standing_id=standing_id)

    def unskip(so):
        standing_order_unskip(standing_order=so, user=request.user, day=day)
        return day_text(day)

    return _act(request, standing_id, unskip, "{result} is on again.")


@require_http_methods(["GET", "POST"])
def standing_stop(request: HttpRequest, standing_id: int) -> HttpResponse:
    so = _own(request, standing_id)
    if request.method == "GET":
        return TemplateResponse(request, "replenishment/standing_confirm_stop.html", {"so": so})
    standing_order_stop(standing_order=so, user=request.user)
    messages.success(request, f"Stopped “{so.name}”: it orders nothing more. Its history stays.")
    return redirect("replenishment:standing_detail", standing_id=so.pk)


@require_POST
def line_add(request: HttpRequest, standing_id: int) -> HttpResponse:
    so = _own(request, standing_id)
    form = ListItemForm(request.POST)
    if form.is_valid():
        try:
            line = standing_line_add(
                standing_order=so, user=request.user, product=form.product, qty=form.units()
            )
        except StandingError as exc:
            form.add_error("qty", exc.message)
        else:
            messages.success(request, f"{line.product.sku}: {line.qty:,} units each time.")
            return redirect("replenishment:standing_detail", standing_id=so.pk)
    return _detail(request, so, item_form=form, status=400)


def _own_line(request: HttpRequest, standing_id: int, line_id: int) -> StandingOrderLine:
    return get_object_or_404(
        StandingOrderLine.objects.select_related("product", "standing_order"),
        pk=line_id, standing_order__pk=standing_id, standing_order__owner=request.user,
    )  # fmt: skip


@require_POST
def line_update(request: HttpRequest, standing_id: int, standing_line_id: int) -> HttpResponse:
    line = _own_line(request, standing_id, standing_line_id)
    form = LineQuantityForm(request.POST)
    try:
        if not form.is_valid():
            raise StandingError(first_error(form))
        standing_line_set(line=line, user=request.user, qty=form.cleaned_data["qty"])
    except StandingError as exc:
        messages.error(request, f"{line.product.sku}: {exc.message}")
    else:
        messages.success(request, f"{line.product.sku}: {line.qty:,} units each time.")
    return redirect("replenishment:standing_detail", standing_id=standing_id)


@require_POST
def line_remove(request: HttpRequest, standing_id: int, standing_line_id: int) -> HttpResponse:
    line = _own_line(request, standing_id, standing_line_id)
    try:
        standing_line_remove(line=line, user=request.user)
    except StandingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Removed {line.product.sku} from the standing order.")
    return redirect("replenishment:standing_detail", standing_id=standing_id)


# --- forecasts and one-click restock ---------------------------------------------------------


@require_GET
def forecast(request: HttpRequest) -> TemplateResponse:
    today = timezone.localdate()
    rows = restock_list(today=today, soon_only=False)
    context = {"rows": rows, "today": today, "soon": today + timedelta(days=7)}
    return TemplateResponse(request, "replenishment/forecast.html", context)


@require_POST
def restock(request: HttpRequest) -> HttpResponse:
    """A forecast's suggested quantity into the cart in one click (a single-use button)."""
    form = RestockForm(request.POST)
    if not form.is_valid():
        return _restocked(request, None, error=first_error(form))
    product = get_object_or_404(Product.objects.available(), sku=form.cleaned_data["sku"])
    try:
        line = restock_add(user=request.user, product=product, qty=form.cleaned_data["qty"],
                           once=request.POST.get("once"))  # fmt: skip
    except AlreadyDone as exc:
        return _restocked(request, product, error=f"{exc.message} Your cart has it.")
    except CartError as exc:
        check = exc.checks.get(product.sku)
        return _restocked(
            request, product, error=check.error if check and check.error else exc.message
        )
    added = f"Added {form.cleaned_data['qty']:,} units — {line.qty:,} in your cart."
    return _restocked(request, product, added=added)


def _restocked(request, product, *, added: str = "", error: str = "") -> HttpResponse:
    """htmx gets the row's answer in place (and the cart badge its event); without
    JavaScript, a message and the cart (or back, after a problem)."""
    if not request.htmx:
        if error:
            messages.error(request, error)
            return redirect(safe_next(request, "home"))
        messages.success(request, f"{product.name}: {added}")
        return redirect("orders:cart")
    context = {"product": product, "added": added, "error": error}
    response = TemplateResponse(request, "replenishment/includes/restocked.html", context)
    return trigger_client_event(response, "cartUpdated") if added else response
