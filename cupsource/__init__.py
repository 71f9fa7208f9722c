"""Client for the Cup Source wholesale API v1 (framework-free: httpx + pydantic).

from cupsource import CupSourceClient, SlidingWindowBudget

with CupSourceClient("https://api.cupsource.com/v1", key, budget=SlidingWindowBudget()) as api:
    for product in api.iter_products(category="cups"):
        ...
"""

from ._base import __version__
from .budget import Budget, BudgetStore, MemoryBudgetStore, Priority, SlidingWindowBudget, State
from .client import AsyncCupSourceClient, CupSourceClient
from .errors import (
    OUTCOME_REJECTED,
    OUTCOME_UNKNOWN,
    APIConnectionError,
    APIStatusError,
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
from .models import (
    Order,
    OrderItemIn,
    OrderLine,
    Page,
    PageMeta,
    Product,
    ShippingAddress,
    Tracking,
    TrackingEvent,
)

__all__ = [
    "OUTCOME_REJECTED",
    "OUTCOME_UNKNOWN",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncCupSourceClient",
    "AuthenticationError",
    "BadRequestError",
    "BillingUnverifiedError",
    "Budget",
    "BudgetStore",
    "BudgetUnavailableError",
    "ConflictError",
    "CupSourceClient",
    "CupSourceError",
    "MalformedResponseError",
    "MemoryBudgetStore",
    "NotFoundError",
    "Order",
    "OrderItemIn",
    "OrderLine",
    "Page",
    "PageMeta",
    "PermissionDeniedError",
    "Priority",
    "Product",
    "RateLimitError",
    "ServerError",
    "ShippingAddress",
    "SlidingWindowBudget",
    "State",
    "Tracking",
    "TrackingEvent",
    "__version__",
]
