"""Every error of the API's table becomes a sentence a buyer can act on."""

import pytest

from cupsource.errors import (
    OUTCOME_REJECTED,
    OUTCOME_UNKNOWN,
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BillingUnverifiedError,
    ConflictError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from orders_app.problems import describe_error, describe_lookup_error


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (BadRequestError("x", status=400), "Fix the lines"),
        (AuthenticationError("x", status=401), "update the key"),
        (PermissionDeniedError("x", status=403), "may not place orders"),
        (BillingUnverifiedError("x", status=403), "verify billing"),
        (NotFoundError("x", status=404), "Check the lines"),
        (ConflictError("x", status=409), "checking which version"),
        (RateLimitError("x", status=429), "queued"),
        (ServerError("x", status=500), "will not send it twice"),
        (APITimeoutError("x", outcome=OUTCOME_UNKNOWN), "can't yet tell"),
        (APIConnectionError("x", outcome=OUTCOME_UNKNOWN), "can't yet tell"),
        (APIConnectionError("x", outcome=OUTCOME_REJECTED), "can't be reached"),
        (MalformedResponseError("x", status=200), "couldn't read"),
    ],
)
def test_each_order_error_gets_its_own_plain_sentence(error, says):
    sentence = describe_error(error)
    assert says in sentence
    assert "Traceback" not in sentence


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (AuthenticationError("x", status=401), "staff need to update it"),
        (RateLimitError("x", status=429), "try again in a minute"),
        (NotFoundError("x", status=404), "doesn't know this order"),
        (ServerError("x", status=503), "isn't answering"),
        (APIConnectionError("x"), "isn't answering"),
    ],
)
def test_lookup_errors_say_what_happened(error, says):
    assert says in describe_lookup_error(error)
