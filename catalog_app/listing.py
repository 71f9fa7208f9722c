"""The browse page's listing: the filters with their counts and one page of results.

Counting facets over tens of thousands of products and rendering 25 rows with their forms costs
tens of milliseconds, yet the result is the same for every buyer until the mirror changes. So
it is rendered once per URL and mirror version (catalog_app/mirror.py) and kept in the "default"
cache (searches excepted: see _shareable); each request only fills in what is its own — the
CSRF token and the buyer's stars, left as placeholders in the shared rendering. A page view
therefore costs a few cache and database lookups, however large the catalog.
"""

from collections import Counter
from hashlib import sha256

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from catalog_app.forms import ProductFilterForm
from catalog_app.models import Category, Material, Product, SyncRun
from catalog_app.services import last_successful_sync
from dashboard.user_cache import user_fact
from favourites.services import starred_product_ids
from favourites.stars import star_states

PER_PAGE = 25
CACHE_TIMEOUT = 15 * 60  # a rendering is also dropped when the mirror changes
# Letters and digits only, so that HTML escaping leaves it as it is.
CSRF_PLACEHOLDER = "csrftokenplaceholder0cupboard0listing"
LAST_SYNC_TIMEOUT = 60
EMPTY_MIRROR = ""  # the cached "rendering" of an empty mirror: the page shows how to load it


def listing_html(
    request: HttpRequest, form: ProductFilterForm, *, version: str, partial: bool
) -> SafeString:
    """The listing for this request's filters ("" while the mirror is empty): the whole
    filters-and-results block, or with `partial` only the results (for htmx) and, since htmx
    swaps them out of band, the facet counts."""
    if _shareable(request, form):
        cache = caches["default"]
        key = _cache_key(request, version=version, partial=partial)
        html = cache.get(key)
        if html is None:
            html = _render(request, form, partial=partial)
            cache.set(key, html, CACHE_TIMEOUT)
    else:
        html = _render(request, form, partial=partial)
    if html == EMPTY_MIRROR:
        return SafeString(html)
    html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    starred = user_fact(request, "starred", lambda: starred_product_ids(request.user))
    html = star_states(html, starred)
    # Template output, escaped when it was rendered; only the placeholders were replaced, with
    # a token of letters and digits and fixed attribute values.
    return mark_safe(html)  # noqa: S308


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


def _shareable(request: HttpRequest, form: ProductFilterForm) -> bool:
    """Whether to keep this rendering. Only the filters, sort and page are: there are a few
    thousand combinations at most. A search is rendered each time (a page view still costs only
    ~20 ms), and so is a URL with parameters the form does not know, so that made-up URLs
    cannot fill the cache."""
    known = set(form.fields) - {"q"}
    return not form.cleaned_data["q"].strip() and all(
        name in known and len(request.GET.getlist(name)) == 1 for name in request.GET
    )


def _cache_key(request: HttpRequest, *, version: str, partial: bool) -> str:
    # The full path, not the parsed filters: the rendering carries it in its links and forms.
    parts = [version, "partial" if partial else "page", str(bool(request.htmx))]
    digest = sha256("\n".join([*parts, request.get_full_path()]).encode()).hexdigest()
    return f"catalog:listing:{digest}"


def _render(request: HttpRequest, form: ProductFilterForm, *, partial: bool) -> str:
    if not Product.objects.exists():
        return EMPTY_MIRROR
    products = Product.objects.available()
    query = form.cleaned_data["q"].strip()
    if query:
        products = products.search(query)
    page = Paginator(products.filter(**form.filters()).order_by(*form.ordering), PER_PAGE).get_page(
        form.cleaned_data["page"]
    )
    context = {
        # Only what every buyer shares: no user, no session, no context processors.
        "request": request,
        "form": form,
        "page": page,
        "facets": _facets(form, products),
        "query_without_page": _query_without(request, "page"),
        "csrf_token": CSRF_PLACEHOLDER,
        "star_placeholders": True,
    }
    name = "catalog_app/listing.html#results" if partial else "catalog_app/listing.html"
    return get_template(name).render(context)


FACET_FIELDS = {"category": "category", "material": "material", "capacity": "capacity_oz"}


def _facets(form: ProductFilterForm, products) -> list[dict]:
    """Counts per value of each facet, under every other active filter: one GROUP BY over the
    three facet columns (a few dozen rows, read from the covering index), summed here."""
    lookups = {k: v for k, v in form.filters().items() if k not in FACET_FIELDS.values()}
    rows = (
        products.filter(**lookups)
        .values_list(*FACET_FIELDS.values())
        .annotate(n=Count("id"))
        .order_by()
    )
    selected = {name: form.cleaned_data.get(name) or None for name in FACET_FIELDS}
    counts = {name: Counter() for name in FACET_FIELDS}
    for *values, n in rows:
        row = dict(zip(FACET_FIELDS, values, strict=True))
        for name in FACET_FIELDS:
            others_match = all(
                selected[other] is None or row[other] == selected[other]
                for other in FACET_FIELDS
                if other != name
            )
            if others_match and row[name] is not None:
                counts[name][row[name]] += n
    labels = {"category": dict(Category.choices), "material": dict(Material.choices)}
    facets = []
    for name in FACET_FIELDS:
        if name in labels:
            values = [(v, label, counts[name][v]) for v, label in labels[name].items()]
        else:
            values = [(v, f"{v} oz", n) for v, n in sorted(counts[name].items())]
        facets.append({"name": name, "values": values, "selected": selected[name]})
    return facets


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
