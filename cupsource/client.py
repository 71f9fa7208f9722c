"""The Cup Source API v1 clients: :class:`CupSourceClient` and :class:`AsyncCupSourceClient`.

Both expose the same keyword-only methods, one per endpoint, and share every decision (see
``_base.py``); only sending and sleeping differ.

Retries
    GETs are retried on 429 (honouring ``Retry-After``), on any 5xx, on timeouts and on
    connection errors, at most ``max_retries`` times, sleeping ``rng() * min(backoff_cap,
    backoff_base * 2**n)`` before retry ``n`` (full jitter), or at least ``Retry-After`` capped
    at ``max_retry_after``.

    ``create_order`` is only retried when the server certainly did not process the request:
    after a 429 and after a failure to connect. See its docstring for why.

Budget
    With a ``budget`` (see :mod:`cupsource.budget`), every attempt first asks it for a slot and
    every response's ``X-RateLimit-*`` headers are reported to it. The budget is called
    synchronously, also by the async client: it must be quick (memory, locmem, Redis...).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping
from typing import Any

import httpx

from . import _base
from ._base import DEFAULT_USER_AGENT, ClientCore, RequestSpec, Retry, RetryPolicy
from .budget import Budget, Priority
from .models import Order, OrderItemIn, Page, Product, ShippingAddress, Tracking

__all__ = ["AsyncCupSourceClient", "CupSourceClient"]

INTERACTIVE = Priority.INTERACTIVE


class CupSourceClient:
    """A synchronous client for the Cup Source API v1.

    ``base_url`` is the API root, e.g. ``https://api.cupsource.com/v1``. ``timeout`` is a float
    (read/write/pool timeout; connecting gets at most 5 s) or an ``httpx.Timeout``. ``transport``
    replaces the network (tests pass ``httpx.MockTransport``). ``sleep``, ``clock`` (monotonic,
    for durations in the log) and ``rng`` (``[0, 1)``, for jitter) are injectable.
    ``on_result``, when given, is called after every attempt with what came back: the HTTP
    status (an ``int``) or the transport error's class name (a ``str``, e.g. ``"ConnectError"``)
    — the dashboard keeps "when did the API last answer, and how" from it. ``on_attempt``, when
    given, is called after every attempt with the method, the path, that result and the seconds
    it took (the dashboard's metrics).

    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float | httpx.Timeout = 10.0,
        max_retries: int = 2,
        transport: httpx.BaseTransport | None = None,
        budget: Budget | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        user_agent: str = DEFAULT_USER_AGENT,
        rng: Callable[[], float] = random.random,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        max_retry_after: float = 60.0,
        budget_max_wait: float = 90.0,
        on_result: Callable[[int | str], object] | None = None,
        on_attempt: Callable[[str, str, int | str, float], object] | None = None,
    ) -> None:
        self._core = ClientCore(
            base_url,
            api_key,
            timeout=timeout,
            retry=RetryPolicy(max_retries, backoff_base, backoff_cap, max_retry_after, rng),
            budget=budget,
            budget_max_wait=budget_max_wait,
            clock=clock,
            user_agent=user_agent,
            on_result=on_result,
            on_attempt=on_attempt,
        )
        self._sleep = sleep
        self._http = httpx.Client(**self._core.http_options(), transport=transport)

    @property
    def base_url(self) -> str:
        return self._core.base_url

    def __repr__(self) -> str:
        return self._core.repr(type(self).__name__)

    def __enter__(self) -> CupSourceClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- endpoints ---------------------------------------------------------------------------

    def list_products(
        self,
        *,
        category: str | None = None,
        material: str | None = None,
        capacity: int | None = None,
        skus: Iterable[str] | None = None,
        page: int = 1,
        per_page: int | None = None,
        priority: Priority = INTERACTIVE,
    ) -> Page[Product]:
        """One page of ``GET /products``. ``skus`` becomes ``sku=A,B,C``; an empty ``skus``
        returns an empty page without a request."""
        if skus is not None and not isinstance(skus, str):
            skus = list(skus)
            if not skus:
                return _base.empty_product_page(page=page, per_page=per_page)
        spec = _base.list_products_spec(
            category=category,
            material=material,
            capacity=capacity,
            skus=skus,
            page=page,
            per_page=per_page,
            priority=priority,
        )
        return self._request(spec)

    def iter_products(
        self,
        *,
        category: str | None = None,
        material: str | None = None,
        capacity: int | None = None,
        skus: Iterable[str] | None = None,
        per_page: int = 100,
        priority: Priority = INTERACTIVE,
    ) -> Iterator[Product]:
        """Every product matching the filters, fetching one page at a time as it is consumed.

        Stops at an empty page or once as many items as the response's ``meta.total`` have come:
        a server that repeats a page (ignoring ``page``) cannot keep the loop going for ever.
        """
        skus = list(skus) if skus is not None and not isinstance(skus, str) else skus
        number, seen = 1, 0
        while True:
            page = self.list_products(
                category=category,
                material=material,
                capacity=capacity,
                skus=skus,
                page=number,
                per_page=per_page,
                priority=priority,
            )
            yield from page.items
            seen += len(page.items)
            if not page.items or seen >= page.meta.total:
                return
            del page  # hold one page at a time
            number += 1

    def get_product(self, sku: str, *, priority: Priority = INTERACTIVE) -> Product:
        """``GET /products/{sku}``; :class:`~cupsource.errors.NotFoundError` if unknown."""
        return self._request(_base.get_product_spec(sku, priority=priority))

    def create_order(
        self,
        *,
        items: Iterable[OrderItemIn | Mapping[str, Any]],
        shipping_address: ShippingAddress | Mapping[str, Any],
        idempotency_key: str,
        currency: str = "USD",
        reference: str | None = None,
        priority: Priority = INTERACTIVE,
    ) -> Order:
        """``POST /orders`` with the caller's ``Idempotency-Key`` on every attempt.

        Store ``idempotency_key`` (and ``reference``) *before* calling. ``items`` are
        ``{"sku", "qty"}`` dicts or :class:`OrderItemIn`; ``shipping_address`` a dict or a
        :class:`ShippingAddress`. Invalid input raises ``BadRequestError`` (code
        ``invalid_input``) without sending anything.

        Retried (same key) only when the server certainly did not process it: after a 429 and
        after a failure to connect. A timeout, a dropped connection after sending, a 5xx or a
        malformed 2xx body is *not* retried, even though the sandbox replays a known key: the
        Idempotency-Key is a [pinned] extra the real API may ignore, and re-sending could then
        create a second order. The error's ``outcome`` is ``"unknown"`` in those cases and the
        caller reconciles (``list_orders(reference=...)``) before sending anything again;
        ``"rejected"`` means the order was certainly not created.
        """
        spec = _base.create_order_spec(
            items=items,
            shipping_address=shipping_address,
            currency=currency,
            reference=reference,
            idempotency_key=idempotency_key,
            priority=priority,
        )
        return self._request(spec)

    def list_orders(
        self,
        *,
        reference: str | None = None,
        page: int = 1,
        per_page: int | None = None,
        priority: Priority = INTERACTIVE,
    ) -> Page[Order]:
        """One page of ``GET /orders``, optionally only the orders with this ``reference``."""
        spec = _base.list_orders_spec(
            reference=reference, page=page, per_page=per_page, priority=priority
        )
        return self._request(spec)

    def get_order(self, order_id: str, *, priority: Priority = INTERACTIVE) -> Order:
        """``GET /orders/{id}``; another account's order is a ``NotFoundError``."""
        return self._request(_base.get_order_spec(order_id, priority=priority))

    def get_tracking(self, order_id: str, *, priority: Priority = INTERACTIVE) -> Tracking:
        """``GET /orders/{id}/tracking``."""
        return self._request(_base.get_tracking_spec(order_id, priority=priority))

    # --- I/O ---------------------------------------------------------------------------------

    def _request[T](self, spec: RequestSpec[T]) -> T:
        call = self._core.start(spec)
        while True:
            for wait in call.budget_waits():
                self._sleep(wait)
            request = call.build_request(self._http)
            try:
                response = self._http.send(request)
            except httpx.HTTPError as exc:
                result = call.failed(exc)
            else:
                result = call.received(response)
            if not isinstance(result, Retry):
                return result
            self._sleep(result.delay)


class AsyncCupSourceClient:
    """The asyncio twin of :class:`CupSourceClient`: same arguments, same methods (awaitable;
    ``iter_products`` is an async iterator), same errors. ``sleep`` defaults to
    ``asyncio.sleep`` and must be a coroutine function; ``transport`` is an async transport."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float | httpx.Timeout = 10.0,
        max_retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: Budget | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        user_agent: str = DEFAULT_USER_AGENT,
        rng: Callable[[], float] = random.random,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        max_retry_after: float = 60.0,
        budget_max_wait: float = 90.0,
        on_result: Callable[[int | str], object] | None = None,
        on_attempt: Callable[[str, str, int | str, float], object] | None = None,
    ) -> None:
        self._core = ClientCore(
            base_url,
            api_key,
            timeout=timeout,
            retry=RetryPolicy(max_retries, backoff_base, backoff_cap, max_retry_after, rng),
            budget=budget,
            budget_max_wait=budget_max_wait,
            clock=clock,
            user_agent=user_agent,
            on_result=on_result,
            on_attempt=on_attempt,
        )
        self._sleep = sleep
        self._http = httpx.AsyncClient(**self._core.http_options(), transport=transport)

    @property
    def base_url(self) -> str:
        return self._core.base_url

    def __repr__(self) -> str:
        return self._core.repr(type(self).__name__)

    async def __aenter__(self) -> AsyncCupSourceClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    aclose = close

    # --- endpoints (docstrings: see CupSourceClient) -----------------------------------------

    async def list_products(
        self,
        *,
        category: str | None = None,
        material: str | None = None,
        capacity: int | None = None,
        skus: Iterable[str] | None = None,
        page: int = 1,
        per_page: int | None = None,
        priority: Priority = INTERACTIVE,
    ) -> Page[Product]:
        if skus is not None and not isinstance(skus, str):
            skus = list(skus)
            if not skus:
                return _base.empty_product_page(page=page, per_page=per_page)
        spec = _base.list_products_spec(
            category=category,
            material=material,
            capacity=capacity,
            skus=skus,
            page=page,
            per_page=per_page,
            priority=priority,
        )
        return await self._request(spec)

    async def iter_products(
        self,
        *,
        category: str | None = None,
        material: str | None = None,
        capacity: int | None = None,
        skus: Iterable[str] | None = None,
        per_page: int = 100,
        priority: Priority = INTERACTIVE,
    ) -> AsyncIterator[Product]:
        skus = list(skus) if skus is not None and not isinstance(skus, str) else skus
        number, seen = 1, 0
        while True:
            page = await self.list_products(
                category=category,
                material=material,
                capacity=capacity,
                skus=skus,
                page=number,
                per_page=per_page,
                priority=priority,
            )
            for product in page.items:
                yield product
            seen += len(page.items)
            if not page.items or seen >= page.meta.total:
                return
            del page
            number += 1

    async def get_product(self, sku: str, *, priority: Priority = INTERACTIVE) -> Product:
        return await self._request(_base.get_product_spec(sku, priority=priority))

    async def create_order(
        self,
        *,
        items: Iterable[OrderItemIn | Mapping[str, Any]],
        shipping_address: ShippingAddress | Mapping[str, Any],
        idempotency_key: str,
        currency: str = "USD",
        reference: str | None = None,
        priority: Priority = INTERACTIVE,
    ) -> Order:
        """See :meth:`CupSourceClient.create_order`: same key on every attempt, only retried
        when the server certainly did not process the request; ``outcome`` on failure."""
        spec = _base.create_order_spec(
            items=items,
            shipping_address=shipping_address,
            currency=currency,
            reference=reference,
            idempotency_key=idempotency_key,
            priority=priority,
        )
        return await self._request(spec)

    async def list_orders(
        self,
        *,
        reference: str | None = None,
        page: int = 1,
        per_page: int | None = None,
        priority: Priority = INTERACTIVE,
    ) -> Page[Order]:
        spec = _base.list_orders_spec(
            reference=reference, page=page, per_page=per_page, priority=priority
        )
        return await self._request(spec)

    async def get_order(self, order_id: str, *, priority: Priority = INTERACTIVE) -> Order:
        return await self._request(_base.get_order_spec(order_id, priority=priority))

    async def get_tracking(self, order_id: str, *, priority: Priority = INTERACTIVE) -> Tracking:
        return await self._request(_base.get_tracking_spec(order_id, priority=priority))

    # --- I/O ---------------------------------------------------------------------------------

    async def _request[T](self, spec: RequestSpec[T]) -> T:
        call = self._core.start(spec)
        while True:
            for wait in call.budget_waits():
                await self._sleep(wait)
            request = call.build_request(self._http)
            try:
                response = await self._http.send(request)
            except httpx.HTTPError as exc:
                result = call.failed(exc)
            else:
                result = call.received(response)
            if not isinstance(result, Retry):
                return result
            await self._sleep(result.delay)
