"""The supplier API key never leaves the server. The whole test run has a canary key
(pyproject: CUPSOURCE_API_KEY); here every page is opened as every role — the admin included —
and the actions that talk to Cup Source are done while Cup Source refuses the key, answers 500
or is unreachable; the key must appear in no response body or header, no log record of any
logger, no template context and no e-mail."""

import logging
from dataclasses import dataclass, field
from types import SimpleNamespace

import httpx
import pytest
from django.apps import apps
from django.core import mail
from django.template import Context, Template
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from tests.security.urlwalk import routes

pytestmark = pytest.mark.django_db
CANARY = "cs_test_canary_key_must_never_leak_0123456789"


@dataclass
class Leaks:
    """Where the canary turned up, and how much was looked at."""

    found: list = field(default_factory=list)
    pages: int = 0
    records: int = 0
    templates: int = 0

    def check_response(self, label: str, response) -> None:
        self.pages += 1
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if CANARY.encode() in body:
            self.found.append(f"body of {label}")
        for name, value in response.headers.items():
            if CANARY in f"{name}: {value}":
                self.found.append(f"header {name} of {label}")
        for morsel in response.cookies.values():
            if CANARY in morsel.OutputString():
                self.found.append(f"cookie {morsel.key} of {label}")

    def check_record(self, record: logging.LogRecord) -> None:
        self.records += 1
        text = record.getMessage() + repr(record.__dict__)
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        if CANARY in text:
            self.found.append(f"log record of {record.name}: {record.getMessage()[:80]}")

    def check_context(self, name: str, dicts: list) -> None:
        self.templates += 1
        if contains(dicts, depth=0):
            self.found.append(f"context of template {name}")

    def check_mail(self) -> None:
        for message in mail.outbox:
            if CANARY in message.message().as_string():
                self.found.append(f"e-mail {message.subject}")


def contains(value, depth: int) -> bool:
    """Whether the canary is in a context value: strings, containers, objects' attributes."""
    if depth > 3:
        return False
    if isinstance(value, str):
        return CANARY in value
    if isinstance(value, bytes):
        return CANARY.encode() in value
    if isinstance(value, dict):
        return any(contains(v, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(contains(v, depth + 1) for v in value)
    attributes = getattr(value, "__dict__", None)
    return isinstance(attributes, dict) and any(
        contains(v, depth + 1) for v in attributes.values() if isinstance(v, (str, bytes))
    )


@pytest.fixture
def leaks(monkeypatch):
    """Look at every log record of every logger at every level, and every template context."""
    seen = Leaks()
    monkeypatch.setattr(logging.Logger, "isEnabledFor", lambda self, level: True)
    monkeypatch.setattr(logging.Logger, "handle", lambda self, record: seen.check_record(record))

    def on_render(sender, template, context, **kwargs):
        seen.check_context(template.name, context.dicts)

    template_rendered.connect(on_render)
    yield seen
    template_rendered.disconnect(on_render)


@pytest.fixture
def supplier_refuses_the_key(monkeypatch):
    """Cup Source answers every request 401, 500 or drops it, in turn; records what it got."""
    seen = []
    answers = [
        lambda r: httpx.Response(401, json={"success": False, "error": {"code": "unauthorized",
                                 "message": f"Invalid API key {r.headers['Authorization']}"}}),
        lambda r: httpx.Response(500, text=f"Internal error for {r.headers['Authorization']}"),
        lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused", request=r)),
    ]  # fmt: skip

    def handle(self, request):
        seen.append(request)
        return answers[len(seen) % len(answers)](request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", handle)
    return seen


def admin_object_ids(values: dict) -> dict[str, dict]:
    """For each admin model's URLs, the id of a real object of that model."""
    by_route = {}
    for route in routes():
        if route.namespace != "admin" or "object_id" not in route.params:
            continue
        url_name = route.name.split(":")[1]
        for model in apps.get_models():
            prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
            if url_name.startswith(prefix):
                first = model._default_manager.order_by("pk").first()
                if first is not None:
                    by_route[route.name] = {**values, "object_id": first.pk}
    return by_route


def walk(client: Client, label: str, world, leaks: Leaks) -> None:
    values = world.values()
    per_route = admin_object_ids(values)
    for route in routes():
        if route.name in ("logout", "admin:logout"):
            continue
        url = route.url(per_route.get(route.name, values))
        leaks.check_response(f"{label} GET {url}", client.get(url))


def test_the_canary_key_is_what_the_client_uses(settings):
    assert settings.CUPSOURCE_API_KEY == CANARY


def test_the_detector_finds_a_leak_wherever_it_is(leaks):
    """The control: each place the test looks in does report the canary."""
    from django.http import HttpResponse

    logging.getLogger("some.module").debug("calling with %s", CANARY)
    response = HttpResponse(f"<p>{CANARY}</p>", headers={"X-Debug": CANARY})
    response.set_cookie("k", CANARY)
    leaks.check_response("control", response)
    Template("{{ client }}").render(Context({"client": SimpleNamespace(key=CANARY)}))
    mail.send_mail("Hello", CANARY, None, ["a@example.com"])
    leaks.check_mail()
    assert len(leaks.found) == 6, leaks.found


def test_the_api_key_never_leaves_the_server(world, leaks, supplier_refuses_the_key, settings):
    settings.CUPSOURCE_MAX_RETRIES = 0
    roles = {
        "anonymous": None,
        "buyer": world.buyer,
        "other buyer": world.other_buyer,
        "approver": world.approver,
        "staff": world.staff,
    }
    for label, user in roles.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        walk(client, label, world, leaks)

    # The actions that talk to Cup Source, while it refuses the key or fails.
    buyer = Client(raise_request_exception=False)
    buyer.force_login(world.buyer)
    for response in [
        buyer.get(reverse("orders:checkout")),  # the fresh re-check
        buyer.post(reverse("orders:checkout"), {"address": world.address.pk}),  # place, send
        buyer.get(reverse("orders:order_tracking", args=[world.sent_order.pk])),
        buyer.get(reverse("home")),
    ]:
        leaks.check_response("buyer action", response)
    approver = Client(raise_request_exception=False)
    approver.force_login(world.approver)
    response = approver.post(reverse("orders:order_approve", args=[world.order.pk]), follow=True)
    leaks.check_response("approval", response)
    staff = Client(raise_request_exception=False)
    staff.force_login(world.staff)
    response = staff.post(
        reverse("admin:orders_app_order_changelist"),
        {"action": "send_or_reconcile_now", "_selected_action": [world.order.pk]},
        follow=True,
    )
    leaks.check_response("admin action", response)
    anonymous = Client()
    leaks.check_response(
        "password reset",
        anonymous.post(reverse("accounts:password_reset"), {"email": "bea@example.com"}),
    )
    leaks.check_response("failed login", anonymous.post(reverse("login"), {"username": "bea"}))

    leaks.check_mail()
    assert leaks.found == []
    # The walk really happened, and the key really went to (the fake) Cup Source.
    assert leaks.pages > 4 * 150 and leaks.records > 300 and leaks.templates > 1000
    assert len(mail.outbox) == 1
    assert any(
        r.headers.get("Authorization") == f"Bearer {CANARY}" for r in supplier_refuses_the_key
    )
    assert len(supplier_refuses_the_key) >= 4
