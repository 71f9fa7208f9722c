"""A scriptable fake of Cup Source's order endpoints, served through httpx.MockTransport."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import httpx

from cupsource.client import CupSourceClient


def envelope(data, meta=None):
    return {"success": True, "data": data, "meta": meta or {}}


def product_json(product, **changes):
    """A mirrored product as GET /products answers it (for `FakeSupplier.products`)."""
    data = {
        "sku": product.sku,
        "name": product.name,
        "category": product.category,
        "material": product.material,
        "capacity_oz": product.capacity_oz,
        "unit_price": str(product.unit_price),
        "currency": "USD",
        "case_pack": product.case_pack,
        "min_order_qty": product.min_order_qty,
        "stock": product.stock,
        "lead_time_days": product.lead_time_days,
        "description": "",
        "compatible_lids": [],
        "updated_at": "2026-11-27T10:00:00Z",
    }
    data.update(changes)
    return data


def error(status, code, message="nope", details=None, headers=None):
    body = {"success": False, "error": {"code": code, "message": message, "details": details or {}}}
    return httpx.Response(status, json=body, headers=headers or {})


class FakeSupplier:
    """Keeps orders like the real API (idempotent on the key); `script` lists what to do with
    the next POST /orders: "ok", "timeout_after" (create, then time out), "timeout_before",
    "reset_after", "500_after", "500", an httpx.Response, ..."""

    def __init__(self, products=None):
        self.orders = {}  # id -> order json
        self.by_key = {}  # idempotency key -> order id
        self.posts = []  # (key, body) of every POST /orders received
        self.script = []
        self.list_script = []
        self.tracking = {}
        self.products = products or {}
        self.requests = []
        self.down = False  # every request fails to connect

    def client(self, **options):
        options.setdefault("max_retries", 0)
        options.setdefault("sleep", lambda s: None)
        return CupSourceClient(
            "http://api.test/v1", "key", transport=httpx.MockTransport(self), **options
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        path = request.url.path.removeprefix("/v1")
        if request.method == "POST" and path == "/orders":
            return self._post(request)
        if request.method == "GET" and path == "/orders":
            if self.list_script:
                action = self.list_script.pop(0)
                if isinstance(action, httpx.Response):
                    return action
                raise action
            ref = request.url.params.get("reference")
            found = [o for o in self.orders.values() if ref is None or o["reference"] == ref]
            found.reverse()  # newest first, as the sandbox lists them
            number = int(request.url.params.get("page", 1))
            size = int(request.url.params.get("per_page", 20))
            meta = {"page": number, "per_page": size, "total": len(found)}
            return httpx.Response(
                200, json=envelope(found[(number - 1) * size : number * size], meta)
            )
        if request.method == "GET" and path.endswith("/tracking"):
            order_id = path.split("/")[2]
            if order_id in self.tracking:
                result = self.tracking[order_id]
                if isinstance(result, Exception):
                    raise result
                return httpx.Response(200, json=envelope(result))
            return error(404, "not_found")
        if request.method == "GET" and path == "/products":
            skus = request.url.params.get("sku", "").split(",")
            found = [self.products[s] for s in skus if s in self.products]
            number = int(request.url.params.get("page", 1))
            size = int(request.url.params.get("per_page", 20))
            meta = {"page": number, "per_page": size, "total": len(found)}
            return httpx.Response(
                200, json=envelope(found[(number - 1) * size : number * size], meta)
            )
        return error(404, "not_found")

    def _post(self, request):
        key = request.headers.get("Idempotency-Key")
        body = json.loads(request.content)
        self.posts.append((key, body))
        action = self.script.pop(0) if self.script else "ok"
        if isinstance(action, httpx.Response):
            return action
        if action == "timeout_before":
            raise httpx.ReadTimeout("timed out", request=request)
        if action == "connect_error":
            raise httpx.ConnectError("refused", request=request)
        if action == "500":
            return error(500, "server_error")
        order = self._create(key, body)
        if action == "timeout_after":
            raise httpx.ReadTimeout("timed out", request=request)
        if action == "reset_after":
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        if action == "500_after":
            return error(500, "server_error")
        return httpx.Response(201, json=envelope(order))

    def _create(self, key, body):
        if key in self.by_key:
            return self.orders[self.by_key[key]]
        order_id = f"ord_{len(self.orders) + 1:04d}"
        items = [
            {
                "sku": i["sku"],
                "qty": i["qty"],
                "unit_price": "0.0500",
                "line_total": str(Decimal("0.05") * i["qty"]),
            }
            for i in body["items"]
        ]
        subtotal = sum(Decimal(i["line_total"]) for i in items)
        order = {
            "id": order_id,
            "status": "received",
            "reference": body.get("reference"),
            "items": items,
            "subtotal": str(subtotal),
            "shipping": "0.00",
            "total": str(subtotal),
            "currency": "USD",
            "shipping_address": body["shipping_address"],
            "created_at": datetime.now(UTC).isoformat(),
        }
        self.orders[order_id] = order
        self.by_key[key] = order_id
        return order
