"""Every Cup Source error, as a sentence a buyer can act on: what happened, what to do."""

from cupsource.errors import (
    OUTCOME_UNKNOWN,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BillingUnverifiedError,
    BudgetUnavailableError,
    ConflictError,
    CupSourceError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)

UNCERTAIN = (
    "Cup Source stopped answering before it confirmed, so we can't yet tell whether it received "
    "the order. We're checking with Cup Source and will not send it twice."
)

MESSAGES: list[tuple[type[CupSourceError], str]] = [
    (
        BillingUnverifiedError,
        "Cup Source won't take orders on this account until its billing details are verified. "
        "Ask your Cup Source account owner to verify billing, then send the order again.",
    ),
    (
        PermissionDeniedError,
        "Cup Source says this account may not place orders. Ask staff to check the account's "
        "permissions with Cup Source; your order is saved here.",
    ),
    (
        AuthenticationError,
        "Cup Source did not accept Cupboard's API key, so nothing was sent. Staff need to update "
        "the key; your order is saved and will be sent once they have.",
    ),
    (
        BadRequestError,
        "Fix the lines marked below and send it again.",
    ),
    (
        NotFoundError,
        "Cup Source doesn't know one of the items or addresses. Check the lines below.",
    ),
    (
        ConflictError,
        "Cup Source saw this order before with different contents. We're checking which version "
        "it has before doing anything else.",
    ),
    (
        RateLimitError,
        "Cup Source is busy with this account's other requests right now. Your order is queued "
        "and will be sent automatically in a moment — no need to do anything.",
    ),
    (
        BudgetUnavailableError,
        "Cupboard could not check its request allowance with Cup Source just now, so nothing "
        "was sent. Your order is saved and will be sent automatically in a moment.",
    ),
    (APITimeoutError, UNCERTAIN),
    (
        APIConnectionError,
        "Cup Source can't be reached right now. Your order is saved and will be sent "
        "automatically as soon as it can be.",
    ),
    (
        ServerError,
        "Cup Source had a problem on its side. We're checking whether the order arrived and will "
        "not send it twice.",
    ),
    (
        MalformedResponseError,
        "Cup Source sent an answer we couldn't read. We're checking whether the order arrived and "
        "will not send it twice.",
    ),
]

GENERIC = "Cup Source answered with an unexpected error. Your order is saved here; try again later."


def describe_error(exc: CupSourceError) -> str:
    for cls, text in MESSAGES:
        if isinstance(exc, cls):
            if isinstance(exc, APIConnectionError) and exc.outcome == OUTCOME_UNKNOWN:
                return UNCERTAIN  # the connection broke after the order was sent
            return text
    return GENERIC


def describe_lookup_error(exc: CupSourceError) -> str:
    """For reads (stock re-check, tracking): nothing of the buyer's is at stake."""
    if isinstance(exc, AuthenticationError | PermissionDeniedError):
        return "Cup Source refused Cupboard's API key; staff need to update it."
    if isinstance(exc, RateLimitError | BudgetUnavailableError):
        return "Cup Source is busy with this account's other requests; try again in a minute."
    if isinstance(exc, NotFoundError):
        return "Cup Source doesn't know this order."
    return "Cup Source isn't answering right now."
