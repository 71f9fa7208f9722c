"""Every endpoint is fuzzed: after the rest of the fuzz suite has run (this module's name sorts
last), each view of the site must have been reached by at least one of its requests. A new page
or action without a fuzz test fails here, naming it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.fuzz.conftest import REQUESTED
from tests.fuzz.strategies import SCALE

# Not ours to fuzz: Django's own admin (staff only, Django's forms and views).
NOT_FUZZED_NAMESPACES = ("admin:",)


def view_names(resolver=None, namespace="", prefix="", seen=None):
    """Every view's name — but a second name for a path an earlier pattern already answers
    (allauth's `account_login` for /login/): no request can reach it by that name."""
    seen = set() if seen is None else seen
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from view_names(pattern, inner, route, seen)
        elif isinstance(pattern, URLPattern) and route not in seen:
            seen.add(route)
            yield namespace + (pattern.name or route)


def test_every_view_was_requested_by_the_fuzz_suite(request):
    fuzz_dir = request.path.parent
    ran = {item.path for item in request.session.items}
    modules = {p for p in fuzz_dir.glob("test_*.py") if p != request.path}
    if not modules <= ran:
        pytest.skip("only part of the fuzz suite ran: the endpoints it reached say nothing")
    if SCALE < 0.3:
        pytest.skip(f"FUZZ_SCALE={SCALE}: too few cases to reach every view")
    views = {name for name in view_names() if not name.startswith(NOT_FUZZED_NAMESPACES)}
    assert not views - REQUESTED, f"never fuzzed: {sorted(views - REQUESTED)}"
