"""Every failure the Cup Source client can raise.

All of them derive from :class:`CupSourceError`, so a caller can catch one class. No httpx or
pydantic exception leaves the package: transport failures become :class:`APIConnectionError`
(or :class:`APITimeoutError`), bad bodies become :class:`MalformedResponseError`.

``outcome`` is only set on errors raised by ``create_order``: it tells the caller whether the
order may exist on the supplier's side.
"""

from __future__ import annotations

from typing import Any, Final

OUTCOME_REJECTED: Final = "rejected"
"""The order was certainly not created: the server refused it or never saw it."""

OUTCOME_UNKNOWN: Final = "unknown"
"""The order may or may not exist: reconcile (``list_orders(reference=...)``) before re-sending."""

__all__ = [
    "OUTCOME_REJECTED",
    "OUTCOME_UNKNOWN",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BillingUnverifiedError",
    "BudgetUnavailableError",
    "ConflictError",
    "CupSourceError",
    "MalformedResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "error_for_status",
]


class CupSourceError(Exception):
    """Base class of every error raised by the ``cupsource`` package."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: dict[str, list[str]] | None = None,
        request_id: str | None = None,
        outcome: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details: dict[str, list[str]] = details or {}
        self.request_id = request_id
        self.outcome = outcome

    def __str__(self) -> str:
        facts = []
        if self.status is not None:
            facts.append(f"HTTP {self.status}")
        if self.code:
            facts.append(f"code {self.code}")
        if self.request_id:
            facts.append(f"request id {self.request_id}")
        if self.outcome:
            facts.append(f"order outcome {self.outcome}")
        sentence = self.message.rstrip(". ")
        return f"{sentence} ({', '.join(facts)})." if facts else f"{sentence}."

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, status={self.status!r}, "
            f"code={self.code!r}, request_id={self.request_id!r}, outcome={self.outcome!r})"
        )


class APIStatusError(CupSourceError):
    """The API answered with an error status. Unknown 4xx statuses raise this class itself."""


class BadRequestError(APIStatusError):
    """400: the payload or a query parameter was refused; ``details`` maps field paths to
    messages (``{"items[1].qty": ["..."]}``).

    Also raised before any request is sent (``status`` None, code ``invalid_input``) when the
    arguments given to ``create_order`` cannot form a valid payload.
    """


class AuthenticationError(APIStatusError):
    """401: missing, unknown, revoked or expired API key."""


class PermissionDeniedError(APIStatusError):
    """403: the account lacks the permission."""


class BillingUnverifiedError(PermissionDeniedError):
    """403 ``billing_unverified``: orders need an account with verified billing."""


class NotFoundError(APIStatusError):
    """404: unknown endpoint or resource id (another account's order is a 404 too)."""


class ConflictError(APIStatusError):
    """409: the Idempotency-Key was already used with a different body."""


class RateLimitError(APIStatusError):
    """429 from the server, or (``status`` None, code ``budget_exhausted``) the local budget
    would not grant a request slot within the client's ``budget_max_wait``.

    ``retry_after`` is the number of seconds to wait, when known.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """Any 5xx."""


class APIConnectionError(CupSourceError):
    """The request failed at the transport level (DNS, refused connection, reset, ...)."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool timeout)."""


class BudgetUnavailableError(CupSourceError):
    """The request budget could not be consulted (its store failed: a lock that never came
    free, a cache that did not answer), so nothing was sent. Code ``budget_unavailable``."""


class MalformedResponseError(CupSourceError):
    """The body was not JSON, not the documented envelope, or violated the schema.

    ``status`` is the HTTP status the body came with.
    """


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def error_for_status(
    status: int,
    *,
    message: str,
    code: str | None,
    details: dict[str, list[str]] | None = None,
    request_id: str | None = None,
    retry_after: float | None = None,
    outcome: str | None = None,
) -> APIStatusError:
    """Build the error class that matches an HTTP status (and, for 403, the error code)."""
    fields = dict(code=code, details=details, request_id=request_id, outcome=outcome)
    if status == 429:
        return RateLimitError(message, status=status, retry_after=retry_after, **fields)
    if status == 403 and code == "billing_unverified":
        return BillingUnverifiedError(message, status=status, **fields)
    if status >= 500:
        return ServerError(message, status=status, **fields)
    cls = _STATUS_CLASSES.get(status, APIStatusError)
    return cls(message, status=status, **fields)
