from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_team_admin
from catalog_app.models import Product
from core.http import refused, safe_next
from core.once import AlreadyDone
from favourites.forms import (
    ItemQuantityForm,
    ListItemForm,
    SavedListForm,
    SaveLinesForm,
    SaveToListForm,
    StarForm,
)
from favourites.models import Favourite, SavedList, SavedListItem
from favourites.services import (
    ListError,
    favourite_set,
    saved_list_add_item,
    saved_list_add_to_cart,
    saved_list_create,
    saved_list_delete,
    saved_list_remove_item,
    saved_list_rename,
    saved_list_save_lines,
    saved_list_save_product,
    saved_list_set_quantity,
)
from favourites.stars import star_state
from orders_app.forms import first_error
from orders_app.models import Order, subtotal
from orders_app.quantities import check_quantity, to_units
from orders_app.services import CartError, cart_for


@require_GET
def index(request: HttpRequest) -> TemplateResponse:
    return _index(request, SavedListForm())


def _index(request: HttpRequest, form: SavedListForm, status: int = 200) -> TemplateResponse:
    favourites = Favourite.objects.filter(user=request.user).select_related("product")
    lists = SavedList.objects.annotate(item_count=Count("items")).select_related("updated_by")
    context = {"favourites": favourites, "lists": lists, "form": form}
    return TemplateResponse(request, "favourites/index.html", context, status=status)


@require_POST
def star(request: HttpRequest, sku: str) -> HttpResponse:
    """Star or unstar a product (the button says which); htmx gets the new button back."""
    product = get_object_or_404(Product.objects.with_sku(sku))
    form = StarForm(request.POST)
    starred = favourite_set(
        user=request.user, product=product, starred=form.is_valid() and form.cleaned_data["star"]
    )
    if not request.htmx:
        if starred:
            messages.success(request, f"{product.name} is in your favourites.")
        else:
            messages.success(request, f"{product.name} is no longer in your favourites.")
        return redirect(safe_next(request, "favourites:index"))
    context = {
        "product": product,
        "state": star_state(starred),
        "next": request.POST.get("next", ""),
        "labelled": request.POST.get("labelled") == "1",
    }
    return TemplateResponse(request, "favourites/includes/star.html", context)


@require_POST
def list_create(request: HttpRequest) -> HttpResponse:
    form = SavedListForm(request.POST)
    if form.is_valid():
        try:
            saved_list = saved_list_create(user=request.user, name=form.cleaned_data["name"])
        except ListError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, f"List “{saved_list.name}” created. Add products to it.")
            return redirect("favourites:list_detail", list_id=saved_list.pk)
    return _index(request, form, status=400)


def _may_delete(user, saved_list: SavedList) -> bool:
    """The team's lists are shared: whoever made one, or a team admin, deletes it."""
    return saved_list.created_by_id == user.pk or is_team_admin(user)


@require_GET
def list_detail(request: HttpRequest, list_id: int) -> TemplateResponse:
    saved_list = get_object_or_404(SavedList, pk=list_id)
    return _detail(request, saved_list)


def _detail(request, saved_list, *, item_form=None, rename_form=None, problems=None, status=200):
    items = list(saved_list.items.select_related("product"))
    rows = [
        {
            "item": item,
            "check": check_quantity(item.product, item.qty),
            "problem": (problems or {}).get(item.product.sku),
        }
        for item in items
    ]
    context = {
        "saved_list": saved_list,
        "rows": rows,
        "subtotal": subtotal(items),
        "blocked": any(not row["check"].ok for row in rows),
        "item_form": item_form or ListItemForm(initial={"unit": "cases"}),
        "rename_form": rename_form or SavedListForm(initial={"name": saved_list.name}),
        "may_delete": _may_delete(request.user, saved_list),
    }
    return TemplateResponse(request, "favourites/list_detail.html", context, status=status)


@require_POST
def list_rename(request: HttpRequest, list_id: int) -> HttpResponse:
    saved_list = get_object_or_404(SavedList, pk=list_id)
    form = SavedListForm(request.POST)
    if form.is_valid():
        try:
            name = form.cleaned_data["name"]
            saved_list_rename(saved_list=saved_list, user=request.user, name=name)
        except ListError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, f"Renamed the list to “{saved_list.name}”.")
            return redirect("favourites:list_detail", list_id=saved_list.pk)
    saved_list.refresh_from_db()
    return _detail(request, saved_list, rename_form=form, status=400)


@require_http_methods(["GET", "POST"])
def list_delete(request: HttpRequest, list_id: int) -> HttpResponse:
    saved_list = get_object_or_404(SavedList, pk=list_id)
    if not _may_delete(request.user, saved_list):
        return refused(request, "A shared list is deleted by whoever made it or by a team admin.")
    if request.method == "GET":
        return TemplateResponse(
            request, "favourites/list_confirm_delete.html", {"saved_list": saved_list}
        )
    saved_list_delete(saved_list=saved_list)
    messages.success(request, f"Deleted the list “{saved_list.name}”.")
    return redirect("favourites:index")


@require_POST
def item_add(request: HttpRequest, list_id: int) -> HttpResponse:
    saved_list = get_object_or_404(SavedList, pk=list_id)
    form = ListItemForm(request.POST)
    if form.is_valid():
        try:
            item, _ = saved_list_add_item(
                saved_list=saved_list, user=request.user, product=form.product, qty=form.units()
            )
        except ListError as exc:
            form.add_error("qty", exc.message)
        else:
            messages.success(request, f"{item.product.sku}: {item.qty:,} units on the list.")
            return redirect("favourites:list_detail", list_id=saved_list.pk)
    return _detail(request, saved_list, item_form=form, status=400)


@require_POST
def item_update(request: HttpRequest, list_id: int, item_id: int) -> HttpResponse:
    item = _list_item(list_id, item_id)
    form = ItemQuantityForm(request.POST)
    try:
        if not form.is_valid():
            raise ListError(first_error(form))
        saved_list_set_quantity(item=item, user=request.user, qty=form.cleaned_data["qty"])
    except ListError as exc:
        messages.error(request, f"{item.product.sku}: {exc.message}")
    else:
        messages.success(request, f"{item.product.sku}: {item.qty:,} units on the list.")
    return redirect("favourites:list_detail", list_id=list_id)


@require_POST
def item_remove(request: HttpRequest, list_id: int, item_id: int) -> HttpResponse:
    item = _list_item(list_id, item_id)
    saved_list_remove_item(item=item, user=request.user)
    messages.success(request, f"Removed {item.product.sku} from the list.")
    return redirect("favourites:list_detail", list_id=list_id)


def _list_item(list_id: int, item_id: int) -> SavedListItem:
    """The item `item_id` of the list `list_id` (404 if either is not there). Two primary-key
    lookups, as Django answers "no such row" for an id too big for the column there; given to
    a foreign key (`saved_list_id=`), such an id is a server error on SQLite."""
    saved_list = get_object_or_404(SavedList, pk=list_id)
    return get_object_or_404(saved_list.items.select_related("product"), pk=item_id)


@require_POST
def list_to_cart(request: HttpRequest, list_id: int) -> HttpResponse:
    """The whole list into the cart in one step: every line, or none (with each problem)."""
    saved_list = get_object_or_404(SavedList, pk=list_id)
    try:
        added = saved_list_add_to_cart(
            saved_list=saved_list, user=request.user, once=request.POST.get("once")
        )
    except AlreadyDone as exc:
        messages.info(request, f"{exc.message} Your cart has the list's lines.")
        return redirect("orders:cart")
    except CartError as exc:
        problems = {sku: check.error for sku, check in exc.checks.items() if not check.ok}
        messages.error(request, f"Nothing was added to your cart. {exc.message}")
        return _detail(request, saved_list, problems=problems, status=200)
    messages.success(
        request, f"Added {added} line{pluralize(added)} from “{saved_list.name}” to your cart."
    )
    return redirect("orders:cart")


@require_POST
def save_product(request: HttpRequest, sku: str) -> HttpResponse:
    """From a product page: put the product on a list (an existing one or a new one)."""
    product = get_object_or_404(Product.objects.available().with_sku(sku))
    form = SaveToListForm(request.POST)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = saved_list_save_product(
                user=request.user,
                product=product,
                qty=to_units(product, data["qty"], data["unit"]),
                saved_list=SavedList.objects.filter(pk=data["saved_list"]).first(),
                new_name=data["new_list"],
            )
        except ListError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                f"Saved {item.qty:,} units of {product.sku} to “{item.saved_list.name}”.",
            )
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("catalog:product_detail", sku=product.sku)
    context = {"product": product, "lists": SavedList.objects.all(), "save_error": error}
    return TemplateResponse(request, "favourites/includes/save_to_list.html", context)


@require_http_methods(["GET", "POST"])
def save_cart(request: HttpRequest) -> HttpResponse:
    """The buyer's cart kept as a team list (a new one or an existing one)."""
    lines = [(line.product, line.product.sku, line.qty)
             for line in cart_for(request.user).lines.select_related("product")]  # fmt: skip
    if not lines:
        messages.info(request, "Your cart is empty: there is nothing to save as a list.")
        return redirect("orders:cart")
    return _save_lines(request, lines, what="your cart", back=reverse("orders:cart"))


@require_http_methods(["GET", "POST"])
def save_order(request: HttpRequest, order_id: int) -> HttpResponse:
    """A past order's lines kept as a team list."""
    order = get_object_or_404(Order.objects.for_user(request.user), pk=order_id)
    lines = [(line.product, line.sku, line.qty) for line in order.lines.select_related("product")]
    back = reverse("orders:order_detail", args=[order.pk])
    return _save_lines(request, lines, what=f"order {order.reference}", back=back)


def _save_lines(request, lines, *, what: str, back: str) -> HttpResponse:
    form = SaveLinesForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            saved_list, added, skipped = saved_list_save_lines(
                user=request.user,
                lines=lines,
                saved_list=form.cleaned_data["saved_list"],
                new_name=form.cleaned_data["new_list"],
            )
        except ListError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"Saved {added} line{pluralize(added)} of {what} to “{saved_list.name}”."
            )
            for reason in skipped:
                messages.warning(request, f"Not saved: {reason}.")
            return redirect("favourites:list_detail", list_id=saved_list.pk)
    context = {"form": form, "what": what, "lines": lines, "back": back}
    status = 400 if form.is_bound else 200
    return TemplateResponse(request, "favourites/save_lines.html", context, status=status)
