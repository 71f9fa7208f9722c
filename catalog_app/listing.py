"""The browse page's listing: the filters with their counts and one page of results.

Counting facets over tens of thousands of products and rendering 25 rows with their forms costs
tens of milliseconds, so a rendering is kept in the "default" cache and served again while
nothing it was made from has changed. It is rendered like any page — the request's full
context, context processors, the viewer's CSRF token and stars — and kept under a key that
names everything it was made from:

- the mirror version (catalog_app/mirror.py): any change to the mirror makes a new one;
- the URL, and whether it is the htmx partial;
- the viewer (`core.user_facts.viewer_key`): the user, their browser's CSRF secret and every
  per-user fact (stars, cart, role), so a rendering is never shown to anybody else, and a
  viewer's own change (a star) makes a new one.

Searches, and URLs with parameters the form does not know, are rendered each time (see
`_keepable`), so that made-up URLs cannot fill the cache.
"""

import zlib
from collections import Counter
from hashlib import sha256

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Value
from django.http import HttpRequest
from django.template.context import make_context
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from catalog_app.forms import SORTS, ProductFilterForm
from catalog_app.mirror import mirror_version
from catalog_app.models import Category, Material, Product, SyncRun
from catalog_app.search import RANKED, did_you_mean, parse, search, vocabulary
from catalog_app.services import last_successful_sync
from core.user_facts import viewer_key

PER_PAGE = 25
CACHE_TIMEOUT = 10 * 60  # a rendering is also dropped when the mirror or the viewer changes
LAST_SYNC_TIMEOUT = 60
EMPTY_MIRROR = ""  # the kept "rendering" of an empty mirror: the page shows how to load it


def listing_html(request: HttpRequest, form: ProductFilterForm, *, partial: bool) -> SafeString:
    """The listing for this request's filters ("" while the mirror is empty): the whole
    filters-and-results block, or with `partial` only the results (for htmx) and, since htmx
    swaps them out of band, the facet counts."""
    if not _keepable(request, form):
        return _render(request, form, partial=partial)
    cache = caches["default"]
    key = _cache_key(request, partial=partial)
    kept = cache.get(key)
    if kept is None:
        html = _render(request, form, partial=partial)
        # Compressed: a rendering is ~75 KB of repetitive HTML, ~8 KB compressed.
        cache.set(key, zlib.compress(html.encode(), 1), CACHE_TIMEOUT)
        return html
    # Kept as rendered by the template engine (escaped then) for this very viewer and URL.
    return mark_safe(zlib.decompress(kept).decode())  # noqa: S308


def messages_oob(request: HttpRequest) -> str:
    """Flash messages for an htmx partial, swapped out of band ("" when there are none)."""
    storage = get_messages(request)
    if not len(storage):
        return ""
    return get_template("includes/messages.html").render({"messages": storage, "oob": True})


def last_sync() -> SyncRun | None:
    """The last successful sync, for "catalog synced 3 min ago" (read at most once a minute)."""
    found = caches["default"].get_or_set(
        "catalog:last-sync", lambda: (last_successful_sync(),), LAST_SYNC_TIMEOUT
    )
    return found[0]


def _keepable(request: HttpRequest, form: ProductFilterForm) -> bool:
    """Whether to keep this rendering. Only the filters, sort and page are: there are a few
    thousand combinations at most. A search is rendered each time, and so is a URL with
    parameters the form does not know, so that made-up URLs cannot fill the cache."""
    known = set(form.fields) - {"q"}
    return not form.cleaned_data["q"].strip() and all(
        name in known and len(request.GET.getlist(name)) == 1 for name in request.GET
    )


def _cache_key(request: HttpRequest, *, partial: bool) -> str:
    # The full path, not the parsed filters: the rendering carries it in its links and forms.
    parts = [
        mirror_version(),
        "partial" if partial else "page",
        str(bool(request.htmx)),
        viewer_key(request),
        request.get_full_path(),
    ]
    return f"catalog:listing:{sha256(chr(10).join(parts).encode()).hexdigest()}"


def _render(request: HttpRequest, form: ProductFilterForm, *, partial: bool) -> SafeString:
    catalog_rows = _catalog_facet_rows()
    if not catalog_rows and not Product.objects.exists():
        return SafeString(EMPTY_MIRROR)
    offered = Product.objects.available()
    products, query, suggestion, rows = offered, None, "", catalog_rows
    if form.searching:
        vocab = vocabulary()
        query = parse(form.cleaned_data["q"], vocab)
        products = search(offered, query)
        rows = _facet_rows(products)
    facets, total = _facets(form, rows)
    filtered = products.filter(**form.filters()).order_by(*_ordering(form, total, catalog_rows))
    page = _page(filtered, total, form.cleaned_data["page"])
    if query and not total:
        suggestion = did_you_mean(offered.filter(**form.filters()), query, vocab)
    context = {
        "form": form,
        "page": page,
        "rows": _rows(request, page.object_list, query),
        "facets": facets,
        "query": query,
        "did_you_mean": suggestion,
        "did_you_mean_params": _query_with(request, q=suggestion) if suggestion else "",
        "query_without_page": _query_without(request, "page"),
    }
    name = "catalog_app/listing.html#results" if partial else "catalog_app/listing.html"
    return SafeString(render_to_string(name, context, request=request))


def _ordering(form: ProductFilterForm, total: int, catalog_rows: list[tuple]) -> tuple:
    """The sort, written so that the database reads the fewest rows. Walking the sort column's
    index until the page is full reads about (rows up to the page's end) / (share of products
    that match); reading the matches by the filter's index and sorting them reads `total`. When
    the walk would read more (a filter leaving a few hundred of 50,000: SQLite's planner walks
    anyway), the sort column is wrapped (`+ 0`) so that the filter's index is used."""
    if form.sort_order == "relevance":
        return RANKED
    ordering = SORTS[form.sort_order]
    catalog = sum(row[3] for row in catalog_rows)
    last_page = max(1, -(-total // PER_PAGE))
    page_end = min(form.cleaned_data["page"] or 1, last_page) * PER_PAGE
    if ordering[0] == "sku" or not total or page_end * catalog <= total * total:
        return ordering
    first = ordering[0].lstrip("-")
    wrapped = F(first) + Value(0)
    return (wrapped.desc() if ordering[0].startswith("-") else wrapped.asc(), *ordering[1:])


ROW_TEMPLATE = "catalog_app/listing.html#row"


def _rows(request: HttpRequest, products, query) -> list[SafeString]:
    """The page's rows, each kept (like the listings, per viewer and mirror version) under its
    product and the search's words, so that every other URL showing the product — another
    filter, sort or page — reuses it: the rows are most of a first view's work."""
    products = list(products)
    if not products:
        return []
    cache = caches["default"]
    words = ",".join(sorted(query.matched_terms)) + f"|{query.sku_fragment}" if query else ""
    base = "\n".join([mirror_version(), viewer_key(request), words])
    keys = {p.pk: f"catalog:row:{sha256(f'{base}\n{p.pk}'.encode()).hexdigest()}" for p in products}
    kept = cache.get_many(keys.values())
    missing = [p for p in products if keys[p.pk] not in kept]
    new = _render_rows(request, missing, query, keys) if missing else {}
    rows = [mark_safe(kept.get(keys[p.pk]) or new[keys[p.pk]]) for p in products]  # noqa: S308
    if new:
        cache.set_many(new, CACHE_TIMEOUT)
    return rows


def _render_rows(request: HttpRequest, products, query, keys) -> dict[str, str]:
    """Rows rendered like the page (its context, processors and all, made once), by key."""
    template = get_template(ROW_TEMPLATE).template
    context = make_context({"query": query}, request)
    rendered = {}
    with context.bind_template(template):
        for product in products:
            with context.push(p=product):
                rendered[keys[product.pk]] = template.render(context)
    return rendered


def _page(filtered, total: int, number):
    """The page of products: their ids first, sorted and cut with only what the sort needs (a
    broad search sorts tens of thousands of matches: whole rows spilled PostgreSQL's sort to
    disk), then those 25 rows by id."""
    page = CountedPaginator(filtered.values_list("pk", flat=True), PER_PAGE, count=total)
    page = page.get_page(number)
    ids = list(page.object_list)
    found = Product.objects.in_bulk(ids)
    page.object_list = [found[pk] for pk in ids if pk in found]
    return page


class CountedPaginator(Paginator):
    """A paginator told its count (the facet counts' sum), so it need not count again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


FACET_FIELDS = {"category": "category", "material": "material", "capacity": "capacity_oz"}


def _facet_rows(products) -> list[tuple]:
    """(category, material, capacity, products, of which in stock): one GROUP BY over the three
    facet columns, a few dozen rows."""
    return list(
        products.values_list(*FACET_FIELDS.values())
        .annotate(n=Count("id"), stocked=Count("id", filter=Q(stock__gt=0)))
        .order_by()
    )


def _catalog_facet_rows() -> list[tuple]:
    """`_facet_rows` of the whole catalog on offer, counted once per mirror version: every
    filter combination's counts (and its number of results) are sums of these."""
    return caches["default"].get_or_set(
        f"catalog:facet-rows:{mirror_version()}",
        lambda: _facet_rows(Product.objects.available()),
        CACHE_TIMEOUT,
    )


def _facets(form: ProductFilterForm, rows: list[tuple]) -> tuple[list[dict], int]:
    """Counts per value of each facet under every other active filter, and the number of
    products under all of them, summed from `rows` (`_facet_rows`)."""
    selected = {name: form.cleaned_data.get(name) or None for name in FACET_FIELDS}
    in_stock_only = bool(form.cleaned_data.get("in_stock"))
    counts = {name: Counter() for name in FACET_FIELDS}
    total = 0
    for *values, n, stocked in rows:
        n = stocked if in_stock_only else n
        row = dict(zip(FACET_FIELDS, values, strict=True))
        matches = {name: selected[name] is None or row[name] == selected[name] for name in row}
        if all(matches.values()):
            total += n
        for name in FACET_FIELDS:
            others_match = all(matches[other] for other in FACET_FIELDS if other != name)
            if others_match and row[name] is not None:
                counts[name][row[name]] += n
    labels = {"category": dict(Category.choices), "material": dict(Material.choices)}
    facets = []
    for name in FACET_FIELDS:
        if name in labels:
            values = [(v, label, counts[name][v]) for v, label in labels[name].items()]
        else:  # every capacity the catalog offers, so the filter never disappears
            capacities = {*_capacities(), *counts[name], *filter(None, [selected[name]])}
            values = [(v, f"{v} oz", counts[name][v]) for v in sorted(capacities)]
        facets.append({"name": name, "values": values, "selected": selected[name]})
    return facets, total


def _capacities() -> set[int]:
    """The capacities of the products on offer."""
    return {capacity for _, _, capacity, _, _ in _catalog_facet_rows() if capacity is not None}


def _query_with(request: HttpRequest, **values: str) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for name, value in values.items():
        params[name] = value
    return params.urlencode()


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
