"""Stars and saved lists: every write of the favourites app lives here."""

from django.db import IntegrityError, transaction

from catalog_app.models import Product
from core.once import consume
from favourites.models import Favourite, SavedList, SavedListItem
from orders_app.quantities import QuantityCheck, check_quantity
from orders_app.services import CartError, cart_add_lines, order_size_problem


class ListError(Exception):
    """A list change that cannot be made; the message says why, for the buyer."""

    def __init__(self, message: str, check: QuantityCheck | None = None):
        super().__init__(message)
        self.message = message
        self.check = check


# --- stars -----------------------------------------------------------------------------------


def favourite_set(*, user, product: Product, starred: bool) -> bool:
    """Make the star what the buyer saw on the button (safe to repeat)."""
    if starred:
        Favourite.objects.get_or_create(user=user, product=product)
    else:
        Favourite.objects.filter(user=user, product=product).delete()
    return starred


# --- saved lists -----------------------------------------------------------------------------


def _name_taken(name: str, *, other_than: SavedList | None = None) -> bool:
    """Case-insensitively, for every alphabet (SQLite's iexact folds ASCII only; an
    organisation has a handful of lists, so compare them here)."""
    names = SavedList.objects.exclude(pk=other_than.pk if other_than else None)
    return name.casefold() in {n.casefold() for n in names.values_list("name", flat=True)}


def saved_list_create(*, user, name: str) -> SavedList:
    name = name.strip()
    if _name_taken(name):
        raise ListError(f"There is already a list called “{name}”.")
    try:
        with transaction.atomic():
            return SavedList.objects.create(name=name, created_by=user, updated_by=user)
    except IntegrityError as exc:
        raise ListError(f"There is already a list called “{name}”.") from exc


def saved_list_rename(*, saved_list: SavedList, user, name: str) -> SavedList:
    name = name.strip()
    if _name_taken(name, other_than=saved_list):
        raise ListError(f"There is already a list called “{name}”.")
    saved_list.name, saved_list.updated_by = name, user
    saved_list.save(update_fields=["name", "updated_by", "updated_at"])
    return saved_list


def saved_list_delete(*, saved_list: SavedList) -> None:
    saved_list.delete()


def saved_list_add_item(
    *, saved_list: SavedList, user, product: Product, qty: int
) -> tuple[SavedListItem, bool]:
    """Put `qty` units of the product on the list (replacing the quantity if it is there).
    The quantity must be one Cup Source would accept today. Returns (item, created)."""
    check = check_quantity(product, qty)
    if not check.ok:
        raise ListError(check.error, check)
    with transaction.atomic():
        _check_list_size(saved_list, product, qty)
        item, created = SavedListItem.objects.update_or_create(
            saved_list=saved_list, product=product, defaults={"qty": qty}
        )
        _touch(saved_list, user)
    return item, created


def saved_list_save_product(
    *, user, product: Product, qty: int, saved_list: SavedList | None = None, new_name: str = ""
) -> SavedListItem:
    """From a product page: put `qty` units on an existing list, or on a new one called
    `new_name` — created only if the product can go on it (ListError otherwise, and no list)."""
    with transaction.atomic():
        if new_name.strip():
            saved_list = saved_list_create(user=user, name=new_name)
        if saved_list is None:
            raise ListError("Choose a list, or type a name for a new one.")
        item, _ = saved_list_add_item(saved_list=saved_list, user=user, product=product, qty=qty)
    return item


def saved_list_set_quantity(*, item: SavedListItem, user, qty: int) -> SavedListItem:
    check = check_quantity(item.product, qty)
    if not check.ok:
        raise ListError(check.error, check)
    with transaction.atomic():
        _check_list_size(item.saved_list, item.product, qty)
        item.qty = qty
        item.save(update_fields=["qty"])
        _touch(item.saved_list, user)
    return item


def saved_list_remove_item(*, item: SavedListItem, user) -> None:
    item.delete()
    _touch(item.saved_list, user)


def saved_list_add_to_cart(*, saved_list: SavedList, user, once: str | None) -> int:
    """Add every item of the list to the buyer's cart, checked like any cart line (together
    with what the cart already holds): all of them, or — CartError, with the checks per SKU —
    none. `once` is the form's single-use token: AlreadyDone if it was used already. Returns
    the number of lines added."""
    items = list(saved_list.items.select_related("product"))
    if not items:
        raise CartError("The list is empty: add products to it first.")
    with transaction.atomic():
        consume(once)
        cart_add_lines(user=user, items=[(item.product, item.qty) for item in items])
    return len(items)


def saved_list_save_lines(
    *,
    user,
    lines: list[tuple[Product | None, str, int]],
    saved_list: SavedList | None = None,
    new_name: str = "",
) -> tuple[SavedList, int, list[str]]:
    """Keep a cart's or a past order's lines — (product, SKU, units); product None when the
    catalog no longer has it — on an existing team list or a new one called `new_name`.
    Each line must be one Cup Source would accept today: those that are not are left out,
    each with its reason; the others go on together (a product already on the list takes the
    quantity from here), or — ListError — none of them, and no new list. Returns (the list,
    how many lines it got, the reasons for those left out)."""
    items, skipped = [], []
    for product, sku, qty in lines:
        if product is None:
            skipped.append(f"{sku} is no longer in the catalog")
            continue
        check = check_quantity(product, qty)
        if check.ok:
            items.append((product, qty))
        else:
            skipped.append(check.error.rstrip("."))
    if not items:
        raise ListError(
            "None of these lines can go on a list as they are: " + "; ".join(skipped) + "."
            if skipped
            else "There is nothing to save: no lines."
        )
    with transaction.atomic():
        if new_name.strip():
            saved_list = saved_list_create(user=user, name=new_name)
        if saved_list is None:
            raise ListError("Choose a list, or type a name for a new one.")
        saved_list = SavedList.objects.select_for_update().get(pk=saved_list.pk)
        current = {
            i.product_id: (i.product, i.qty) for i in saved_list.items.select_related("product")
        }
        after = current | {product.pk: (product, qty) for product, qty in items}
        if problem := order_size_problem(after.values()):
            raise ListError(f"{problem} Nothing was saved.")
        for product, qty in items:
            SavedListItem.objects.update_or_create(
                saved_list=saved_list, product=product, defaults={"qty": qty}
            )
        _touch(saved_list, user)
    return saved_list, len(items), skipped


def _check_list_size(saved_list: SavedList, product: Product, qty: int) -> None:
    """A list goes into a cart in one step, so it stays within what one order may be."""
    items = {i.product_id: (i.product, i.qty) for i in saved_list.items.select_related("product")}
    items[product.pk] = (product, qty)
    if problem := order_size_problem(items.values()):
        raise ListError(problem)


def _touch(saved_list: SavedList, user) -> None:
    saved_list.updated_by = user
    saved_list.save(update_fields=["updated_by", "updated_at"])


def starred_product_ids(user) -> set[int]:
    return set(Favourite.objects.filter(user=user).values_list("product_id", flat=True))
