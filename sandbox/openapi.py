"""OpenAPI 3.1 description of Cup Source API v1 as the sandbox implements it (/v1/openapi.json)."""

from functools import cache

from sandbox.limits import MAX_BODY_BYTES, MAX_URL_LENGTH
from sandbox.validation import MAX_LINES, MAX_REFERENCE, US_STATES

REF = "#/components"


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"{REF}/{kind}/{name}"}


def _object(properties: dict, *, required: list[str] | None = None, strict=True) -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    if strict:
        schema["additionalProperties"] = False
    return schema


DECIMAL_4 = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{4}$", "examples": ["0.0480"]}
MONEY = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "examples": ["425.00"]}
TIMESTAMP = {"type": "string", "format": "date-time"}
ERROR_CODES = [
    "invalid_request",
    "unknown_sku",
    "insufficient_stock",
    "unsupported_currency",
    "unauthorized",
    "forbidden",
    "billing_unverified",
    "not_found",
    "method_not_allowed",
    "idempotency_conflict",
    "payload_too_large",
    "uri_too_long",
    "unsupported_media_type",
    "rate_limited",
    "headers_too_large",
    "server_error",
    "not_implemented",
]

SCHEMAS = {
    "Product": _object(
        {
            "sku": {"type": "string", "examples": ["CS-8OZ-ECO"]},
            "name": {"type": "string"},
            "category": {"type": "string", "enum": ["cups", "bowls", "lids"]},
            "material": {"type": "string", "enum": ["paper", "plastic", "bioplastic"]},
            "capacity_oz": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "Fluid ounces; null for lids.",
            },
            "unit_price": DECIMAL_4,
            "currency": {"type": "string", "enum": ["USD"]},
            "case_pack": {"type": "integer", "minimum": 1, "description": "Units per case."},
            "min_order_qty": {"type": "integer", "minimum": 1, "description": "Units."},
            "stock": {"type": "integer", "minimum": 0, "description": "Units available now."},
            "lead_time_days": {"type": "integer", "minimum": 0},
            "description": {"type": "string"},
            "compatible_lids": {
                "type": "array",
                "items": {"type": "string"},
                "description": "SKUs of lids that fit; [] for lids.",
            },
            "updated_at": TIMESTAMP,
        }
    ),
    "ShippingAddressInput": _object(
        {
            "name": {"type": ["string", "null"], "maxLength": 200},
            "line1": {"type": "string", "minLength": 1, "maxLength": 200},
            "line2": {"type": ["string", "null"], "maxLength": 200},
            "city": {"type": "string", "minLength": 1, "maxLength": 200},
            "state": {
                "type": "string",
                "enum": sorted(US_STATES),
                "description": "US state, DC or territory code.",
            },
            "zip": {"type": "string", "pattern": r"^[0-9]{5}(-[0-9]{4})?$"},
        },
        required=["line1", "city", "state", "zip"],
        strict=False,
    ),
    "ShippingAddress": _object(
        {
            "name": {"type": ["string", "null"]},
            "line1": {"type": "string"},
            "line2": {"type": ["string", "null"]},
            "city": {"type": "string"},
            "state": {"type": "string"},
            "zip": {"type": "string"},
        }
    ),
    "OrderItemInput": _object(
        {
            "sku": {"type": "string", "minLength": 1},
            "qty": {
                "type": "integer",
                "minimum": 1,
                "description": "Units: a multiple of case_pack, at least min_order_qty, "
                "at most stock.",
            },
        },
        strict=False,
    ),
    "OrderCreate": _object(
        {
            "items": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_LINES,
                "items": _ref("schemas", "OrderItemInput"),
            },
            "shipping_address": _ref("schemas", "ShippingAddressInput"),
            "currency": {"type": "string", "enum": ["USD"]},
            "reference": {
                "type": ["string", "null"],
                "minLength": 1,
                "maxLength": MAX_REFERENCE,
                "description": "The buyer's PO number.",
            },
        },
        required=["items", "shipping_address", "currency"],
        strict=False,
    ),
    "OrderItem": _object(
        {
            "sku": {"type": "string"},
            "qty": {"type": "integer", "minimum": 1},
            "unit_price": DECIMAL_4,
            "line_total": MONEY,
        }
    ),
    "Order": _object(
        {
            "id": {"type": "string", "pattern": "^ord_", "examples": ["ord_3f9a1c2e4b5d6a7c8e9f"]},
            "status": {
                "type": "string",
                "enum": ["received", "processing", "shipped", "delivered", "cancelled"],
            },
            "reference": {"type": ["string", "null"]},
            "items": {"type": "array", "items": _ref("schemas", "OrderItem")},
            "subtotal": MONEY,
            "shipping": MONEY,
            "total": MONEY,
            "currency": {"type": "string", "enum": ["USD"]},
            "shipping_address": _ref("schemas", "ShippingAddress"),
            "created_at": TIMESTAMP,
        }
    ),
    "TrackingEvent": _object(
        {
            "at": TIMESTAMP,
            "status": _ref("schemas", "TrackingStatus"),
            "location": {"type": "string"},
            "description": {"type": "string"},
        }
    ),
    "TrackingStatus": {
        "type": "string",
        "enum": [
            "pending",
            "label_created",
            "in_transit",
            "out_for_delivery",
            "delivered",
            "exception",
        ],
    },
    "Tracking": _object(
        {
            "order_id": {"type": "string"},
            "status": _ref("schemas", "TrackingStatus"),
            "carrier": {"type": ["string", "null"]},
            "tracking_number": {"type": ["string", "null"]},
            "estimated_delivery": {"type": ["string", "null"], "format": "date"},
            "signature_required": {"type": "boolean"},
            "events": {"type": "array", "items": _ref("schemas", "TrackingEvent")},
        }
    ),
    "PageMeta": _object(
        {
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
        }
    ),
    "EmptyMeta": {"type": "object", "maxProperties": 0},
    "Error": _object(
        {
            "success": {"const": False},
            "error": _object(
                {
                    "code": {"type": "string", "enum": ERROR_CODES},
                    "message": {"type": "string"},
                    "details": {
                        "type": "object",
                        "description": "Field path (items[1].qty, shipping_address.zip) → "
                        "messages; {} when not about fields.",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                }
            ),
        }
    ),
}


def _envelope(data: dict, meta: str) -> dict:
    return _object({"success": {"const": True}, "data": data, "meta": _ref("schemas", meta)})


SCHEMAS |= {
    "ProductEnvelope": _envelope(_ref("schemas", "Product"), "EmptyMeta"),
    "ProductPage": _envelope({"type": "array", "items": _ref("schemas", "Product")}, "PageMeta"),
    "OrderEnvelope": _envelope(_ref("schemas", "Order"), "EmptyMeta"),
    "OrderPage": _envelope({"type": "array", "items": _ref("schemas", "Order")}, "PageMeta"),
    "TrackingEnvelope": _envelope(_ref("schemas", "Tracking"), "EmptyMeta"),
}

INTEGER_HEADER = {"schema": {"type": "integer", "minimum": 0}, "required": True}
HEADERS = {
    "X-Request-Id": {
        "description": "Identifies this request in the sandbox's log.",
        "schema": {"type": "string"},
        "required": True,
    },
    "X-RateLimit-Limit": {**INTEGER_HEADER, "description": "Requests allowed per minute."},
    "X-RateLimit-Remaining": {**INTEGER_HEADER, "description": "Requests left in the window."},
    "X-RateLimit-Reset": {
        **INTEGER_HEADER,
        "description": "Seconds until the sliding window frees a slot.",
    },
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 1},
        "required": True,
        "description": "Whole seconds to wait before retrying.",
    },
    "Idempotent-Replayed": {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "Present when this is the stored answer to an earlier identical request.",
    },
}
RATE_HEADERS = {
    name: _ref("headers", name)
    for name in ["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]
}
REQUEST_ID = {"X-Request-Id": _ref("headers", "X-Request-Id")}


def _json(schema_name: str) -> dict:
    return {"application/json": {"schema": _ref("schemas", schema_name)}}


def _error(description: str, headers: dict) -> dict:
    return {"description": description, "headers": headers, "content": _json("Error")}


RESPONSES = {
    "BadRequest": _error(
        "Invalid parameters or body (`invalid_request`, or a narrower code when every problem "
        "is of that kind: `unknown_sku`, `insufficient_stock`, `unsupported_currency`).",
        RATE_HEADERS,
    ),
    "Unauthorized": _error(
        "Missing, unknown, revoked or expired key (`unauthorized`). Not counted.", REQUEST_ID
    ),
    "Forbidden": _error(
        "The key or account lacks the permission (`forbidden`, `billing_unverified`).",
        RATE_HEADERS,
    ),
    "NotFound": _error("Unknown resource (`not_found`).", RATE_HEADERS),
    "Conflict": _error(
        "Idempotency-Key already used with another body (`idempotency_conflict`).",
        RATE_HEADERS,
    ),
    "PayloadTooLarge": _error(
        f"The body is over {MAX_BODY_BYTES} bytes (`payload_too_large`). Not counted.",
        REQUEST_ID,
    ),
    "UnsupportedMediaType": _error(
        "The body is not sent as `application/json` (`unsupported_media_type`).", RATE_HEADERS
    ),
    "RateLimited": _error(
        "Over the per-key limit (`rate_limited`).",
        {**RATE_HEADERS, "Retry-After": _ref("headers", "Retry-After")},
    ),
    "ServerError": _error("Unexpected error (`server_error`).", REQUEST_ID),
}


def _common(*statuses: int) -> dict:
    names = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        409: "Conflict",
        413: "PayloadTooLarge",
        415: "UnsupportedMediaType",
        429: "RateLimited",
        500: "ServerError",
    }
    return {str(status): _ref("responses", names[status]) for status in statuses}


def _ok(description: str, schema_name: str, **extra_headers) -> dict:
    return {
        "description": description,
        "headers": {**RATE_HEADERS, **extra_headers},
        "content": _json(schema_name),
    }


def _integer_param(name: str, description: str, **limits) -> dict:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": "integer", "minimum": 1, **limits},
    }


PAGE_PARAMETERS = [
    _integer_param("page", "Page number (default 1); past the end: empty data."),
    _integer_param("per_page", "Page size (default 20).", maximum=100),
]


def _path_param(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1},
    }


PATHS = {
    "/products": {
        "get": {
            "operationId": "listProducts",
            "summary": "List products (ordered by sku).",
            "parameters": [
                {
                    "name": "category",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["cups", "bowls", "lids"]},
                },
                {
                    "name": "material",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["paper", "plastic", "bioplastic"]},
                },
                _integer_param("capacity", "Capacity in fluid ounces, exact match."),
                {
                    "name": "sku",
                    "in": "query",
                    "description": "Comma-separated SKUs (at most 100) to look up at once.",
                    "schema": {"type": "string", "minLength": 1},
                },
                *PAGE_PARAMETERS,
            ],
            "responses": {
                "200": _ok("A page of products.", "ProductPage"),
                **_common(400, 401, 429, 500),
            },
        }
    },
    "/products/{sku}": {
        "get": {
            "operationId": "getProduct",
            "summary": "One product.",
            "parameters": [_path_param("sku", "The product's SKU.")],
            "responses": {
                "200": _ok("The product.", "ProductEnvelope"),
                **_common(401, 404, 429, 500),
            },
        }
    },
    "/orders": {
        "get": {
            "operationId": "listOrders",
            "summary": "The calling account's orders, newest first.",
            "parameters": [
                {
                    "name": "reference",
                    "in": "query",
                    "description": "Only orders with this reference (exact match).",
                    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_REFERENCE},
                },
                *PAGE_PARAMETERS,
            ],
            "responses": {
                "200": _ok("A page of orders.", "OrderPage"),
                **_common(400, 401, 429, 500),
            },
        },
        "post": {
            "operationId": "createOrder",
            "summary": "Place an order; its units leave stock at once.",
            "description": "Requires a key that is not read-only and an account with verified "
            "billing. All validation problems are reported at once in error.details.",
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "description": "Same key + same body within 24 h replays the first 201 "
                    "(header Idempotent-Replayed: true); same key + another body is a 409.",
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                }
            ],
            "requestBody": {
                "required": True,
                "description": "JSON (Content-Type: application/json, a charset allowed), "
                f"at most {MAX_BODY_BYTES} bytes.",
                "content": _json("OrderCreate"),
            },
            "responses": {
                "201": _ok(
                    "The order.",
                    "OrderEnvelope",
                    **{"Idempotent-Replayed": _ref("headers", "Idempotent-Replayed")},
                ),
                **_common(400, 401, 403, 409, 413, 415, 429, 500),
            },
        },
    },
    "/orders/{order_id}": {
        "get": {
            "operationId": "getOrder",
            "summary": "One of the calling account's orders (another account's: 404).",
            "parameters": [_path_param("order_id", "The order id (ord_…).")],
            "responses": {
                "200": _ok("The order.", "OrderEnvelope"),
                **_common(401, 404, 429, 500),
            },
        }
    },
    "/orders/{order_id}/tracking": {
        "get": {
            "operationId": "getTracking",
            "summary": "Carrier status, estimated delivery, signature requirement and events.",
            "parameters": [_path_param("order_id", "The order id (ord_…).")],
            "responses": {
                "200": _ok("The shipment's tracking.", "TrackingEnvelope"),
                **_common(401, 404, 429, 500),
            },
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document (no key needed; never rate limited).",
            "security": [],
            "responses": {
                "200": {
                    "description": "OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
}


@cache
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Cup Source API",
            "version": "1.2.0",
            "description": "Wholesale cups, bowls and lids: catalog with real-time stock, "
            "orders and shipment tracking. Served here by the project's local sandbox. "
            "Every response is a JSON envelope; errors are "
            '`{"success": false, "error": {"code", "message", "details"}}`. '
            "Limit: 120 requests per minute per key (sliding window). "
            f"Request limits: a body of at most {MAX_BODY_BYTES} bytes (else 413 "
            f"`payload_too_large`), a URL of at most {MAX_URL_LENGTH} characters (else 414 "
            "`uri_too_long`); a request the server cannot parse is a 400 `invalid_request`, "
            "headers that are too large a 431 `headers_too_large`, both in the envelope.",
        },
        "servers": [
            {"url": "/v1", "description": "This sandbox"},
            {"url": "https://api.cupsource.com/v1", "description": "Production"},
        ],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Authorization: Bearer <API key>",
                }
            },
            "schemas": SCHEMAS,
            "headers": HEADERS,
            "responses": RESPONSES,
        },
    }
