"""The sandbox's multi-step writes: keys, the rate-limit window, the catalog, orders."""

import hashlib
import json
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.http import HttpResponse

from sandbox import catalog, clock, responses, serializers
from sandbox.models import (
    Account,
    ApiKey,
    IdempotencyRecord,
    Order,
    OrderLine,
    Product,
    RequestLog,
)
from sandbox.validation import check_against_catalog, parse_order

KEY_PREFIX = "cs_test_"
RATE_WINDOW = timedelta(seconds=60)
IDEMPOTENCY_WINDOW = timedelta(hours=24)
FREE_SHIPPING_FROM = Decimal("500.00")
FLAT_SHIPPING = Decimal("25.00")
CENT = Decimal("0.01")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    *,
    account_name: str = "Sandbox Buyer",
    verified: bool = True,
    read_only: bool = False,
    expires_in: float | None = None,
    key: str | None = None,
) -> str:
    """Create (or register the given) API key for the named account and return the key.

    The account is created when missing; its billing flag is set to `verified` either way.
    """
    key = key or KEY_PREFIX + secrets.token_urlsafe(24)
    expires_at = clock.now() + timedelta(seconds=expires_in) if expires_in is not None else None
    with transaction.atomic():
        account, _ = Account.objects.update_or_create(
            name=account_name, defaults={"billing_verified": verified}
        )
        ApiKey.objects.update_or_create(
            key_hash=hash_key(key),
            defaults={
                "account": account,
                "prefix": key[:12],
                "read_only": read_only,
                "expires_at": expires_at,
                "revoked": False,
            },
        )
    return key


def revoke_key(*, key: str) -> bool:
    return ApiKey.objects.filter(key_hash=hash_key(key)).update(revoked=True) > 0


def authenticate(*, authorization: str | None, now: datetime) -> tuple[ApiKey | None, str]:
    """(the key, "") for a usable Bearer key, else (None, why not). Never echoes the key."""
    if not authorization:
        return None, "Missing API key: send 'Authorization: Bearer <key>'."
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None, "Malformed Authorization header: expected 'Bearer <key>'."
    api_key = ApiKey.objects.select_related("account").filter(key_hash=hash_key(token)).first()
    if api_key is None:
        return None, "Unknown API key."
    if api_key.revoked:
        return None, "This API key has been revoked."
    if api_key.expires_at is not None and api_key.expires_at <= now:
        return None, "This API key has expired."
    return api_key, ""


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int


def _whole_seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def rate_limit_hit(*, api_key: ApiKey, limit: int, now: datetime) -> RateDecision:
    """Count one request against the key's sliding 60-second window, unless it is full.

    The key's row is locked while counting, so concurrent requests from any number of
    processes agree; a refused request is not counted.
    """
    with transaction.atomic():
        list(ApiKey.objects.select_for_update().filter(pk=api_key.pk).values_list("pk"))
        start = now - RATE_WINDOW
        RequestLog.objects.filter(api_key=api_key, at__lte=start).delete()
        window = RequestLog.objects.filter(api_key=api_key, at__gt=start).order_by("at", "pk")
        count = window.count()
        times = window.values_list("at", flat=True)
        if count >= limit:
            # The request that has to leave the window before one more fits.
            freeing = times[count - limit] if limit > 0 else now
            return RateDecision(False, limit, 0, _whole_seconds(freeing + RATE_WINDOW - now))
        RequestLog.objects.create(api_key=api_key, at=now)
        oldest = times.first() or now
        return RateDecision(
            True, limit, limit - count - 1, _whole_seconds(oldest + RATE_WINDOW - now)
        )


@dataclass(frozen=True)
class SeedResult:
    created: int
    total: int


def seed_catalog(*, products: int, reset: bool = False) -> SeedResult:
    """Make sure the first `products` SKUs of the generated catalog exist.

    Existing products (and their stock) are left alone, so re-running is harmless; `reset`
    deletes the whole catalog first. Accounts, keys and orders are never touched.
    """
    specs = catalog.generate(products)
    now = clock.now()
    with transaction.atomic():
        if reset:
            Product.objects.all().delete()
        existing = set(Product.objects.values_list("sku", flat=True))
        new = [Product(**spec, updated_at=now) for spec in specs if spec["sku"] not in existing]
        Product.objects.bulk_create(new, batch_size=2000)
        return SeedResult(created=len(new), total=Product.objects.count())


@dataclass(frozen=True)
class ApiResult:
    """An answer to replay byte for byte: status and serialised JSON body."""

    status: int
    body: str
    replayed: bool = False

    def response(self) -> HttpResponse:
        response = responses.raw_json(self.body, status=self.status)
        if self.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def request_hash(payload: object) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def order_submit(
    *, account: Account, payload: object, idempotency_key: str | None = None
) -> ApiResult:
    """Validate and place an order, taking its units out of stock atomically.

    With an `idempotency_key`, the first 201 answer for (account, key) is stored and replayed
    for 24 hours to the same body; another body gets a 409. Error answers are not stored, so a
    corrected request may reuse the key. Two concurrent identical requests create one order:
    the loser of the unique (account, key) insert rolls back and replays the winner's answer.
    """
    body_hash = request_hash(payload)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _submit(account, payload, idempotency_key, body_hash)
        except IntegrityError:
            if idempotency_key is None:
                raise
    raise RuntimeError("Could not settle a concurrent idempotent request.")


def _submit(
    account: Account, payload: object, idempotency_key: str | None, body_hash: str
) -> ApiResult:
    now = clock.now()
    if idempotency_key is not None:
        record = (
            IdempotencyRecord.objects.select_for_update()
            .filter(account=account, key=idempotency_key)
            .first()
        )
        if record is not None and record.created_at > now - IDEMPOTENCY_WINDOW:
            if record.request_hash != body_hash:
                return _error(
                    409,
                    "idempotency_conflict",
                    "This Idempotency-Key was already used with a different body.",
                )
            return ApiResult(record.response_status, record.response_body, replayed=True)
        if record is not None:
            record.delete()
    draft = parse_order(payload)
    products = {
        product.sku: product
        for product in Product.objects.select_for_update()
        .filter(sku__in=draft.skus)
        .order_by("sku")
    }
    check_against_catalog(draft, products)
    if draft.problems:
        problems = draft.problems
        return _error(400, problems.code, problems.message, problems.sorted_details())
    order, lines = _place(account, draft, products, now)
    result = ApiResult(201, _json(responses.success(serializers.order_json(order, lines))))
    if idempotency_key is not None:
        IdempotencyRecord.objects.create(
            account=account,
            key=idempotency_key,
            request_hash=body_hash,
            response_status=result.status,
            response_body=result.body,
            order=order,
            created_at=now,
        )
    return result


def _place(account, draft, products, now) -> tuple[Order, list[OrderLine]]:
    lines = []
    for position, line in enumerate(draft.lines):
        product = products[line.sku]
        line_total = (product.unit_price * line.qty).quantize(CENT, ROUND_HALF_UP)
        lines.append(
            OrderLine(
                position=position,
                sku=product.sku,
                qty=line.qty,
                unit_price=product.unit_price,
                line_total=line_total,
            )
        )
        product.stock -= line.qty
        product.updated_at = now
    Product.objects.bulk_update(list(products.values()), ["stock", "updated_at"])
    subtotal = sum((line.line_total for line in lines), Decimal("0.00"))
    shipping = Decimal("0.00") if subtotal >= FREE_SHIPPING_FROM else FLAT_SHIPPING
    order = Order.objects.create(
        id=f"ord_{secrets.token_hex(10)}",
        account=account,
        reference=draft.reference or "",
        subtotal=subtotal,
        shipping=shipping,
        total=subtotal + shipping,
        currency=draft.currency,
        shipping_address=draft.shipping_address,
        created_at=now,
    )
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    return order, lines


def _error(status: int, code: str, message: str, details: dict | None = None) -> ApiResult:
    return ApiResult(status, _json(responses.error(status, code, message, details)))


def _json(response: HttpResponse) -> str:
    return response.content.decode()
