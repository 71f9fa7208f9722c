"""The sandbox server's own middleware stack (the dashboard's MIDDLEWARE never applies).

Outermost first: request id and the JSON-only guarantee; the documented size limits (before the
key is checked or the body read); API key and rate limit; injected faults; and the last resort
that turns any exception into a 500 envelope.
"""

import logging
import time

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.urls import resolve, set_urlconf

from sandbox import clock, faults, limits, responses, services

logger = logging.getLogger("sandbox")

URLCONF = "sandbox.urls"
# The server puts a callable here that aborts the connection (see `sandbox.server.SandboxTask`).
DROP_CONNECTION_KEY = "sandbox.drop_connection"
REASONS = {
    400: "Bad request.",
    401: "Unauthorized.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "Request body too large.",
    414: "URL too long.",
    415: "Unsupported media type.",
    431: "Request headers too large.",
    501: "Not implemented.",
}


class RequestIdMiddleware:
    """`X-Request-Id` on every response, no response that is not the JSON envelope, and a
    Content-Length (so clients can keep connections alive)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Error handlers for exceptions raised in the middleware must come from the sandbox.
        set_urlconf(URLCONF)
        request.request_id = responses.new_request_id()
        response = self._as_envelope(self.get_response(request))
        response["X-Request-Id"] = request.request_id
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
        return response

    @staticmethod
    def _as_envelope(response: HttpResponse) -> HttpResponse:
        """Replace an HTML error page (Django's own, e.g. with DEBUG on) with the envelope."""
        if response.status_code < 400 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        status = response.status_code
        code = responses.ERROR_CODES_BY_STATUS.get(
            status, "server_error" if status >= 500 else "invalid_request"
        )
        envelope = responses.error(status, code, REASONS.get(status, "Unexpected server error."))
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                envelope[header] = response[header]
        return envelope


class RequestLimitsMiddleware:
    """414 for a URL over `MAX_URL_LENGTH`, 413 for a body over `MAX_BODY_BYTES`.

    Checked before the key, so these are not counted against the rate limit, and from the
    declared length, so an oversized body is never read. A chunked body has a length here too:
    waitress has read it whole, de-chunked it and set CONTENT_LENGTH before the app runs (Django
    reads a body without a CONTENT_LENGTH as empty, so a server that passed one on as it came
    would need more than this)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.get_full_path()) > limits.MAX_URL_LENGTH:
            return responses.error(
                414, "uri_too_long", f"The URL is over {limits.MAX_URL_LENGTH} characters."
            )
        if _declared_length(request) > limits.MAX_BODY_BYTES:
            return responses.error(413, "payload_too_large", limits.BODY_TOO_LARGE)
        return self.get_response(request)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it (the server refuses a malformed length before this)


class ApiKeyMiddleware:
    """Bearer-key authentication and the per-key rate limit, counted in the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.sandbox_auth = getattr(resolve(request.path_info).func, "sandbox_auth", "required")
        request.api_key = None
        if request.sandbox_auth == "none":
            return self.get_response(request)
        api_key, problem = services.authenticate(
            authorization=request.headers.get("Authorization"), now=clock.now()
        )
        if api_key is None:
            if request.sandbox_auth == "optional":
                return self.get_response(request)
            return responses.error(
                401,
                "unauthorized",
                problem,
                headers={"WWW-Authenticate": 'Bearer realm="cupsource"'},
            )
        decision = services.rate_limit_hit(
            api_key=api_key, limit=settings.SANDBOX_RATE_LIMIT, now=clock.now()
        )
        if decision.allowed:
            request.api_key = api_key
            response = self.get_response(request)
        else:
            response = responses.error(
                429,
                "rate_limited",
                f"Over {decision.limit} requests per minute for this key; "
                f"retry in {decision.reset_seconds} s.",
                headers={"Retry-After": str(decision.reset_seconds)},
            )
        response["X-RateLimit-Limit"] = str(decision.limit)
        response["X-RateLimit-Remaining"] = str(decision.remaining)
        response["X-RateLimit-Reset"] = str(decision.reset_seconds)
        return response


class FaultMiddleware:
    """Faults on demand from `settings.SANDBOX_FAULTS` (see `sandbox.faults`).

    - `500`: a 500 envelope instead of handling the request (a POST is not processed).
    - `429`: a 429 envelope with `Retry-After: 1` (not processed).
    - `timeout`: handled normally, then the response is held for `timeout_s` seconds.
    - `reset`: the connection is closed without a response. A GET is not processed; a POST is
      processed first half of the time (drawn from the seeded generator).
    - `bad_json`: handled normally, then the body is cut in half (status kept).
    Never applied to `/v1/openapi.json`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        spec_text = settings.SANDBOX_FAULTS
        if request.sandbox_auth == "none" or not spec_text.strip():
            return self.get_response(request)
        injector = faults.injector_for(spec_text)
        if injector.spec.latency_ms:
            time.sleep(injector.spec.latency_ms / 1000)
        fault, process_first = injector.draw(method=request.method)
        if fault is None:
            return self.get_response(request)
        logger.info("Injecting fault %s into %s %s", fault, request.method, request.path)
        if fault == "500":
            return responses.server_error("Injected fault: internal error.")
        if fault == "429":
            return responses.error(
                429, "rate_limited", "Injected fault: rate limited.", headers={"Retry-After": "1"}
            )
        if fault == "timeout":
            response = self.get_response(request)
            _close_idle_connections()  # hold no database connection while stalling
            time.sleep(injector.spec.timeout_s)
            return response
        if fault == "bad_json":
            return _truncated(self.get_response(request))
        if process_first:
            self.get_response(request)
        return _drop_connection(request)


def _close_idle_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def _truncated(response: HttpResponse) -> HttpResponse:
    cut = HttpResponse(
        response.content[: len(response.content) // 2],
        status=response.status_code,
        content_type=response.get("Content-Type", "application/json"),
    )
    for header, value in response.items():
        if header.lower() not in {"content-length", "content-type"}:
            cut[header] = value
    return cut


def _drop_connection(request: HttpRequest) -> HttpResponse:
    """Have the server abort the TCP connection, so the client gets no response at all."""
    drop = request.META.get(DROP_CONNECTION_KEY)
    if drop is None:
        return responses.server_error(
            "Injected fault: connection reset (this server cannot drop connections)."
        )
    drop()
    return HttpResponse(status=500)  # never reaches the client: the connection is gone


class ExceptionMiddleware:
    """Any exception a view raises becomes a logged 500 `server_error` envelope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse:
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return responses.server_error()
