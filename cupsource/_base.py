"""Everything the sync and async clients share: request building, response parsing, retry
decisions, backoff and logging. Only the I/O (sending, sleeping) lives in ``client.py``.

One API call is a :class:`Call`. The client's loop is::

    call = core.start(spec)
    while True:
        for wait in call.budget_waits():   # ask the budget; sleep while it says "not yet"
            sleep(wait)
        request = call.build_request(http)
        try:
            response = http.send(request)
        except httpx.HTTPError as exc:
            result = call.failed(exc)       # Retry(delay), or raises the final error
        else:
            result = call.received(response)  # the parsed value, Retry(delay), or raises
        if not isinstance(result, Retry):
            return result
        sleep(result.delay)
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from pydantic import BaseModel, ValidationError

from .budget import Budget, Priority
from .errors import (
    OUTCOME_REJECTED,
    OUTCOME_UNKNOWN,
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    BudgetUnavailableError,
    CupSourceError,
    MalformedResponseError,
    RateLimitError,
    error_for_status,
)
from .models import (
    ItemEnvelope,
    ListEnvelope,
    Order,
    OrderItemIn,
    Page,
    PageMeta,
    Product,
    ShippingAddress,
    Tracking,
)

__version__ = "0.1.0"
DEFAULT_USER_AGENT = f"cupsource-python/{__version__} httpx/{httpx.__version__}"
DEFAULT_CONNECT_TIMEOUT = 5.0
"""A refused or unroutable host should fail fast even when reads may take longer."""

logger = logging.getLogger("cupsource")


# --- requests -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestSpec[T]:
    """One API call, independent of sync/async: what to send and how to parse a 2xx body.

    ``write`` marks ``POST /orders``: it is only retried when the server certainly did not
    process it, and its errors carry an ``outcome``.
    """

    method: str
    path: str
    parse: Callable[[bytes], T]
    params: dict[str, str] | None = None
    json: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    priority: Priority = Priority.INTERACTIVE
    write: bool = False


def _item_parser[M: BaseModel](model: type[M]) -> Callable[[bytes], M]:
    envelope = ItemEnvelope[model]  # type: ignore[valid-type]

    def parse(body: bytes) -> M:
        return envelope.model_validate_json(body).data

    return parse


def _page_parser[M: BaseModel](model: type[M]) -> Callable[[bytes], Page[M]]:
    envelope = ListEnvelope[model]  # type: ignore[valid-type]
    page_cls = Page[model]  # type: ignore[valid-type]

    def parse(body: bytes) -> Page[M]:
        parsed = envelope.model_validate_json(body)
        # Already validated: build the public model without validating twice.
        return page_cls.model_construct(items=parsed.data, meta=parsed.meta)

    return parse


_parse_product = _item_parser(Product)
_parse_product_page = _page_parser(Product)
_parse_order = _item_parser(Order)
_parse_order_page = _page_parser(Order)
_parse_tracking = _item_parser(Tracking)


def _segment(value: str, what: str) -> str:
    """A path segment, percent-encoded (a sku could contain ``/``)."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string")
    return quote(value, safe="")


def _query(**params: object) -> dict[str, str]:
    """Only the parameters that are set, as strings."""
    return {key: str(value) for key, value in params.items() if value is not None}


def list_products_spec(
    *,
    category: str | None,
    material: str | None,
    capacity: int | None,
    skus: Iterable[str] | None,
    page: int,
    per_page: int | None,
    priority: Priority,
) -> RequestSpec[Page[Product]]:
    sku = None
    if skus is not None:
        sku = ",".join([skus] if isinstance(skus, str) else skus)
    params = _query(
        category=category,
        material=material,
        capacity=capacity,
        sku=sku,
        page=page,
        per_page=per_page,
    )
    return RequestSpec("GET", "/products", _parse_product_page, params=params, priority=priority)


def empty_product_page(*, page: int, per_page: int | None) -> Page[Product]:
    """What ``list_products(skus=[])`` returns without asking: no sku, no product.

    (Sending ``sku=`` would risk the server ignoring the empty filter and listing everything.)
    """
    return Page[Product](items=[], meta=PageMeta(page=page, per_page=per_page or 20, total=0))


def get_product_spec(sku: str, *, priority: Priority) -> RequestSpec[Product]:
    path = f"/products/{_segment(sku, 'sku')}"
    return RequestSpec("GET", path, _parse_product, priority=priority)


def list_orders_spec(
    *, reference: str | None, page: int, per_page: int | None, priority: Priority
) -> RequestSpec[Page[Order]]:
    params = _query(reference=reference, page=page, per_page=per_page)
    return RequestSpec("GET", "/orders", _parse_order_page, params=params, priority=priority)


def get_order_spec(order_id: str, *, priority: Priority) -> RequestSpec[Order]:
    path = f"/orders/{_segment(order_id, 'order_id')}"
    return RequestSpec("GET", path, _parse_order, priority=priority)


def get_tracking_spec(order_id: str, *, priority: Priority) -> RequestSpec[Tracking]:
    path = f"/orders/{_segment(order_id, 'order_id')}/tracking"
    return RequestSpec("GET", path, _parse_tracking, priority=priority)


def create_order_spec(
    *,
    items: Iterable[OrderItemIn | Mapping[str, Any]],
    shipping_address: ShippingAddress | Mapping[str, Any],
    currency: str,
    reference: str | None,
    idempotency_key: str,
    priority: Priority,
) -> RequestSpec[Order]:
    """Validate the caller's input locally and build the POST; bad input raises
    :class:`BadRequestError` (status None, code ``invalid_input``) before anything is sent."""
    details: dict[str, list[str]] = {}
    lines = [
        _validate_input(OrderItemIn, item, f"items[{i}]", details) for i, item in enumerate(items)
    ]
    address = _validate_input(ShippingAddress, shipping_address, "shipping_address", details)
    if not _is_header_value(idempotency_key, max_length=255):
        details["idempotency_key"] = ["must be 1 to 255 printable ASCII characters"]
    if details:
        raise BadRequestError(
            "The order was not sent: its input is invalid",
            code="invalid_input",
            details=details,
            outcome=OUTCOME_REJECTED,
        )
    body: dict[str, Any] = {
        "items": [line.model_dump() for line in lines],
        "shipping_address": address.model_dump(exclude_none=True),
        "currency": currency,
    }
    if reference is not None:
        body["reference"] = reference
    return RequestSpec(
        "POST",
        "/orders",
        _parse_order,
        json=body,
        headers={"Idempotency-Key": idempotency_key},
        priority=priority,
        write=True,
    )


def _is_header_value(value: object, *, max_length: int) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= max_length
        and value.isascii()
        and value.isprintable()
    )


def _validate_input[M: BaseModel](
    model: type[M], value: object, prefix: str, details: dict[str, list[str]]
) -> M:
    """``value`` (a dict, the model, or an object with the same attributes) as ``model``;
    problems are added to ``details`` under the contract's field paths."""
    try:
        return model.model_validate(value, strict=False, from_attributes=True)
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_input=False):
            path = prefix + "".join(f".{part}" for part in error["loc"])
            details.setdefault(path, []).append(error["msg"])
        return None  # type: ignore[return-value]  # never used: details is now non-empty


# --- configuration ---------------------------------------------------------------------------


def make_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    """A float is the read/write/pool timeout; connecting gets at most 5 s."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(timeout, connect=min(timeout, DEFAULT_CONNECT_TIMEOUT))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter, and how long to honour Retry-After."""

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0
    rng: Callable[[], float] = random.random

    def delay(self, retry_index: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry_index`` (0 for the first retry).

        Full jitter: uniform in ``[0, min(cap, base * 2**retry_index))``. When the server sent
        ``Retry-After``, wait at least that long, but never more than ``max_retry_after``.
        """
        delay = self.rng() * min(self.backoff_cap, self.backoff_base * 2**retry_index)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_retry_after))
        return delay


@dataclass(frozen=True, slots=True)
class Retry:
    """A :class:`Call`'s answer meaning: sleep ``delay`` seconds, then send it again."""

    delay: float


class ClientCore:
    """The configuration both clients share; starts :class:`Call` objects."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy,
        budget: Budget | None,
        budget_max_wait: float,
        clock: Callable[[], float],
        user_agent: str,
        on_result: Callable[[int | str], object] | None = None,
        on_attempt: Callable[[str, str, int | str, float], object] | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("api_key must not be empty")
        try:
            httpx.URL(base_url)
        except httpx.InvalidURL as exc:
            raise ValueError(f"invalid base_url {base_url!r}: {exc}") from None
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = make_timeout(timeout)
        self.retry = retry
        self.budget = budget
        self.budget_max_wait = budget_max_wait
        self.clock = clock
        self.on_result = on_result
        self.on_attempt = on_attempt
        self.headers = {
            "Authorization": f"Bearer {api_key}",
            "Accept": "application/json",
            "User-Agent": user_agent,
        }

    def http_options(self) -> dict[str, Any]:
        """Keyword arguments for ``httpx.Client`` / ``httpx.AsyncClient``."""
        return {"headers": self.headers, "timeout": self.timeout}

    def url(self, spec: RequestSpec[Any]) -> str:
        """The absolute URL of a call.

        Built here rather than with httpx's ``base_url`` and ``params``, which parse the URL
        three times: that was most of the client's per-call overhead (see bench/client.py).
        """
        query = f"?{urlencode(spec.params)}" if spec.params else ""
        return f"{self.base_url}{spec.path}{query}"

    def repr(self, cls_name: str) -> str:
        return f"{cls_name}(base_url={self.base_url!r}, api_key='***')"

    def start[T](self, spec: RequestSpec[T]) -> Call[T]:
        return Call(self, spec)

    def scrub(self, text: str) -> str:
        """Never let the key into an error message."""
        return text.replace(self.api_key, "***")


# --- one call --------------------------------------------------------------------------------


class Call[T]:
    """The state of one API call across its attempts; decides what happens after each."""

    def __init__(self, core: ClientCore, spec: RequestSpec[T]) -> None:
        self.core = core
        self.spec = spec
        self.attempt = 0
        self._started = 0.0

    @property
    def _outcome_if_rejected(self) -> str | None:
        return OUTCOME_REJECTED if self.spec.write else None

    @property
    def _retries_left(self) -> bool:
        return self.attempt <= self.core.retry.max_retries

    def budget_waits(self) -> Iterator[float]:
        """Yield the waits the budget asks for until it grants a slot; give up (RateLimitError,
        nothing sent) once this attempt's total wait would exceed ``budget_max_wait``, or
        (BudgetUnavailableError, nothing sent) when the budget itself fails."""
        budget = self.core.budget
        if budget is None:
            return
        waited = 0.0
        while (wait := self._reserve(budget)) > 0:
            if waited + wait > self.core.budget_max_wait:
                raise RateLimitError(
                    f"The local request budget has no free slot for {self.spec.method} "
                    f"{self.spec.path} within {self.core.budget_max_wait:g} s; nothing was sent",
                    code="budget_exhausted",
                    retry_after=wait,
                    outcome=self._outcome_if_rejected,
                )
            waited += wait
            yield wait

    def _reserve(self, budget: Budget) -> float:
        try:
            return budget.reserve(self.spec.priority)
        except Exception as exc:  # the budget's store: a lock timeout, a cache outage, ...
            raise BudgetUnavailableError(
                f"The request budget could not be consulted for {self.spec.method} "
                f"{self.spec.path} ({type(exc).__name__}); nothing was sent",
                code="budget_unavailable",
                outcome=self._outcome_if_rejected,
            ) from exc

    def build_request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        self.attempt += 1
        spec = self.spec
        request = http.build_request(
            spec.method, self.core.url(spec), json=spec.json, headers=spec.headers
        )
        self._started = self.core.clock()
        return request

    def received(self, response: httpx.Response) -> T | Retry:
        """The parsed body of a 2xx; a :class:`Retry`; or raise the error for the status."""
        status = response.status_code
        request_id = response.headers.get("x-request-id")
        self._log(status, request_id)
        retry_after = _parse_retry_after(response.headers.get("retry-after"), time.time())
        self._observe_rate_limit(response, retry_after)
        if 200 <= status < 300:
            return self._parse_success(response, request_id)
        error = self._status_error(response, request_id, retry_after)
        if self._retries_left and (status == 429 or (status >= 500 and not self.spec.write)):
            return Retry(self.core.retry.delay(self.attempt - 1, retry_after))
        raise error

    def failed(self, exc: httpx.HTTPError) -> Retry:
        """Retry a transport failure when allowed, else raise it as a CupSourceError."""
        self._log(type(exc).__name__, None)
        retryable, sent = _classify_transport_error(exc)
        if retryable and self._retries_left and not (self.spec.write and sent):
            return Retry(self.core.retry.delay(self.attempt - 1))
        cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
        message = self.core.scrub(
            f"{self.spec.method} {self.spec.path} to the Cup Source API failed: "
            f"{type(exc).__name__}: {exc}"
        )
        outcome = (OUTCOME_UNKNOWN if sent else OUTCOME_REJECTED) if self.spec.write else None
        code = "timeout" if cls is APITimeoutError else "connection_error"
        raise cls(message, code=code, outcome=outcome) from exc

    # --- helpers -----------------------------------------------------------------------------

    def _log(self, result: int | str, request_id: str | None) -> None:
        """Log an attempt's result (a status or a transport error's name) and report it."""
        elapsed_ms = (self.core.clock() - self._started) * 1000
        logger.info(
            "%s %s -> %s in %.1f ms (attempt %d, request id %s)",
            self.spec.method,
            self.spec.path,
            result,
            elapsed_ms,
            self.attempt,
            request_id,
        )
        hooks = [
            (self.core.on_result, (result,)),
            (self.core.on_attempt, (self.spec.method, self.spec.path, result, elapsed_ms / 1000)),
        ]
        for hook, args in hooks:
            if hook is None:
                continue
            try:
                hook(*args)
            except Exception:  # the caller's hook must not turn an answer into a failure
                logger.exception("A hook failed for %s %s", self.spec.method, self.spec.path)

    def _observe_rate_limit(self, response: httpx.Response, retry_after: float | None) -> None:
        budget = self.core.budget
        if budget is None:
            return
        headers = response.headers
        limit = _int_header(headers.get("x-ratelimit-limit"))
        remaining = _int_header(headers.get("x-ratelimit-remaining"))
        reset = _float_header(headers.get("x-ratelimit-reset"))
        if response.status_code == 429 and remaining is None:
            remaining, reset = 0, retry_after  # a 429 says as much, even without the headers
        if limit is not None or remaining is not None:
            try:
                budget.observe(limit=limit, remaining=remaining, reset=reset)
            except Exception as exc:  # the answer is in hand: a budget outage must not lose it
                logger.warning(
                    "Could not record the rate-limit headers of %s %s: %s",
                    self.spec.method,
                    self.spec.path,
                    type(exc).__name__,
                )

    def _parse_success(self, response: httpx.Response, request_id: str | None) -> T:
        try:
            return self.spec.parse(response.content)
        except ValidationError as exc:
            raise MalformedResponseError(
                self.core.scrub(
                    f"{self.spec.method} {self.spec.path} returned a body that does not match "
                    f"the API contract: {_summarise(exc)}"
                ),
                status=response.status_code,
                code="malformed_response",
                request_id=request_id,
                outcome=OUTCOME_UNKNOWN if self.spec.write else None,
            ) from exc

    def _status_error(
        self, response: httpx.Response, request_id: str | None, retry_after: float | None
    ) -> CupSourceError:
        status = response.status_code
        code, message, details = _parse_error_body(response.content)
        if message is None:
            message = (
                f"{self.spec.method} {self.spec.path} failed with HTTP {status} "
                f"{response.reason_phrase}".rstrip()
            )
        outcome = None
        if self.spec.write:
            outcome = OUTCOME_REJECTED if 400 <= status < 500 else OUTCOME_UNKNOWN
        return error_for_status(
            status,
            message=self.core.scrub(message),
            code=code,
            details=details,
            request_id=request_id,
            retry_after=retry_after,
            outcome=outcome,
        )


# --- parsing helpers ---------------------------------------------------------------------------


_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Failures before the request left: the server cannot have seen it."""

_RETRYABLE = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

_NEVER_SENT_NOT_RETRYABLE = (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.ProxyError)


def _classify_transport_error(exc: httpx.HTTPError) -> tuple[bool, bool]:
    """``(retryable, maybe_sent)`` for a transport failure.

    Retryable: timeouts, network errors (connect/read/write/close) and a server breaking the
    protocol. "Maybe sent" is the conservative default: only connection failures (and a
    request that httpx refused to build or send) prove the server never saw the request.
    """
    if isinstance(exc, _NOT_SENT):
        return True, False
    if isinstance(exc, _NEVER_SENT_NOT_RETRYABLE):
        return False, False
    return isinstance(exc, _RETRYABLE), True


def _parse_retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds from ``now`` (wall clock): delta-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            return None
        seconds = when.timestamp() - now
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


def _int_header(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _float_header(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def _parse_error_body(content: bytes) -> tuple[str | None, str | None, dict[str, list[str]]]:
    """``(code, message, details)`` from the error envelope; Nones when it is not one."""
    try:
        body = json.loads(content)
    except ValueError:
        return None, None, {}
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, None, {}
    code, message = error.get("code"), error.get("message")
    code = code if isinstance(code, str) and code else None
    message = message.strip() if isinstance(message, str) else ""
    return code, message or None, _clean_details(error.get("details"))


def _clean_details(details: object) -> dict[str, list[str]]:
    if not isinstance(details, dict):
        return {}
    cleaned: dict[str, list[str]] = {}
    for key, value in details.items():
        values = value if isinstance(value, list) else [value]
        cleaned[str(key)] = [str(item) for item in values]
    return cleaned


def _summarise(exc: ValidationError, limit: int = 3) -> str:
    """A short, input-free description of a validation error (inputs could be large)."""
    errors = exc.errors(include_url=False, include_input=False)
    parts = [
        f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
        for error in errors[:limit]
    ]
    if len(errors) > limit:
        parts.append(f"and {len(errors) - limit} more")
    return "; ".join(parts)
