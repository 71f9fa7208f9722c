"""The kinds of notification, each registered by the app whose events cause it (in its
`AppConfig.ready()`), so this app knows how to deliver them without knowing any domain:

    kinds.register(Kind(
        key="placed", label="Order placed", audience="buyer", default=IMMEDIATELY,
        template="orders_app/mail/placed",      # .txt and .html, rendered with the event's context
        description="Cup Source accepted your order: its lines, totals, ship-to and id.",
    ))

An `essential` kind (account and security mail) is always e-mailed at once, whatever the
preferences, and is not offered on the preferences page.
"""

from dataclasses import dataclass

IMMEDIATELY, DIGEST, OFF = "immediately", "digest", "off"
DELIVERY_CHOICES = [
    (IMMEDIATELY, "E-mail me at once"),
    (DIGEST, "In my daily digest"),
    (OFF, "No e-mail"),
]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # what the preference is called on the preferences page
    description: str
    template: str  # path without the extension: <template>.txt and <template>.html
    default: str = IMMEDIATELY
    audience: str = "buyer"  # "buyer", "approver" or "staff": who is offered the preference
    # Account and security mail (an invitation, an e-mail confirmation, a new sign-in factor):
    # always sent at once, never offered as a preference, no unsubscribe link.
    essential: bool = False


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    KINDS[kind.key] = kind


def get(key: str) -> Kind:
    return KINDS[key]
