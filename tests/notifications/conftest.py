"""A real SMTP server on loopback (aiosmtpd) that Cupboard's mail goes to, and the orders
tests' fixtures (cup, address, the fake supplier, approvers…)."""

import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from tests.orders_app import conftest as orders_fixtures

cup, lid, address = orders_fixtures.cup, orders_fixtures.lid, orders_fixtures.address
supplier, web_supplier = orders_fixtures.supplier, orders_fixtures.web_supplier
approver, other_approver = orders_fixtures.approver, orders_fixtures.other_approver
staff, big_cart, place = orders_fixtures.staff, orders_fixtures.big_cart, orders_fixtures.place
make_order, cart_with_cup = orders_fixtures.make_order, orders_fixtures.cart_with_cup


class Inbox:
    """What the SMTP server received: parsed messages, in order."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def subjects(self, address: str | None = None) -> list[str]:
        return [str(m["Subject"]) for m in (self.to(address) if address else self.messages)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    """Mail goes over SMTP to a server on loopback; `.inbox` is what it received, `.stop()` and
    `.start()` take it down and bring it back (an outage)."""
    server = SmtpServer()
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    yield server
    server.stop()
