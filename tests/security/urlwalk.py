"""Every URL pattern of the project, as a concrete URL — built from `get_resolver()`, so a new
view is walked by the security tests without anyone listing it."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:url_name", or the route itself when the pattern has no name
    route: str  # the joined patterns, as Django's ResolverMatch.route
    params: tuple[str, ...]  # the names of the URL's parameters

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    def url(self, values: dict[str, object]) -> str:
        """The URL with `values` for its parameters; checked to resolve to this very route."""

        def from_route(match: re.Match) -> str:
            return str(values[match["name"]])

        def from_regex(match: re.Match) -> str:
            if match["name"] in values:
                return str(values[match["name"]])
            return match["body"].split("|")[0]  # a choice of literals: the first

        path = REGEX_GROUP.sub(from_regex, self.route).replace("^", "").replace("$", "")
        path = ROUTE_PARAM.sub(from_route, path)
        url = "/" + path
        assert resolve(url).route == self.route.replace("^", ""), f"{url} is not {self.route}"
        return url


def routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, prefix="", namespace=""))


def _walk(patterns, *, prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix=route, namespace=inner.strip(":"))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}".strip(":") if pattern.name else route
            params = [m["name"] for m in REGEX_GROUP.finditer(route)]
            params += [m["name"] for m in ROUTE_PARAM.finditer(REGEX_GROUP.sub("", route))]
            yield Route(name=name, route=route, params=tuple(params))
