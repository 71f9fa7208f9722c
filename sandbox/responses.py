"""The response envelope of Cup Source API v1, success and error alike."""

import secrets
from typing import Any

from django.http import HttpResponse, JsonResponse

ERROR_CODES_BY_STATUS = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "idempotency_conflict",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    429: "rate_limited",
    431: "headers_too_large",
    500: "server_error",
    501: "not_implemented",
}


def new_request_id() -> str:
    return f"req_{secrets.token_hex(12)}"


def success(data: Any, *, meta: dict | None = None, status: int = 200) -> JsonResponse:
    return JsonResponse({"success": True, "data": data, "meta": meta or {}}, status=status)


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {
        "success": False,
        "error": {"code": code, "message": message, "details": details or {}},
    }


def error(
    status: int,
    code: str,
    message: str,
    details: dict | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    return JsonResponse(error_body(code, message, details), status=status, headers=headers)


def raw_json(body: str, *, status: int) -> HttpResponse:
    """An already-serialised JSON body, byte for byte (idempotent replays)."""
    return HttpResponse(body, status=status, content_type="application/json")


def not_found(message: str = "Not found.") -> JsonResponse:
    return error(404, "not_found", message)


def server_error(message: str = "Unexpected server error.") -> JsonResponse:
    return error(500, "server_error", message)
