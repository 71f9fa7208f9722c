"""The sandbox's own server: its own middleware and URLs, never the dashboard's; what a real
HTTP server must get right (bodies, malformed requests, limits), over real sockets."""

import ast
import http.client
import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import sandbox as sandbox_package
from sandbox import limits
from sandbox.models import Order
from sandbox.server import SandboxHandler, start_in_thread, stop


def test_the_dashboards_login_session_and_csrf_never_apply(sandbox):
    response = sandbox.http.post(
        "/orders",
        json={
            "items": [{"sku": "CS-DOME-LID", "qty": 1000}],
            "shipping_address": {"line1": "1 A", "city": "Reno", "state": "NV", "zip": "89501"},
            "currency": "USD",
        },
    )

    assert response.status_code == 201  # no CSRF token, no login redirect
    assert "set-cookie" not in response.headers
    assert "x-frame-options" not in response.headers


def test_responses_have_a_length_so_connections_stay_open(sandbox):
    response = sandbox.http.get("/products")

    assert int(response.headers["Content-Length"]) == len(response.content)
    assert response.headers.get("Connection") != "close"


def test_a_second_server_can_run_beside_the_first(sandbox):
    server, thread, url = start_in_thread()
    try:
        response = httpx.get(f"{url}/v1/products/CS-8OZ-ECO", headers=sandbox.headers())
    finally:
        stop(server, thread)

    assert url != sandbox.url.removesuffix("/v1")
    assert response.status_code == 200
    assert not thread.is_alive()


def test_the_openapi_document_is_served_over_http_without_a_key(sandbox):
    response = httpx.get(f"{sandbox.url}/openapi.json")

    assert response.status_code == 200
    assert "/orders/{order_id}/tracking" in response.json()["paths"]


def test_the_sandbox_never_imports_the_dashboard_or_the_client():
    forbidden = {"cupsource", "dashboard", "catalog_app", "orders_app", "httpx"}
    imported = set()
    for path in Path(sandbox_package.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])

    assert "django" in imported
    assert imported.isdisjoint(forbidden)


# --- what the HTTP server itself must get right (real sockets) ---------------------------------

ORDER = {
    "items": [{"sku": "CS-DOME-LID", "qty": 1000}],
    "shipping_address": {"line1": "1 A", "city": "Reno", "state": "NV", "zip": "89501"},
    "currency": "USD",
}


def _raw(sandbox, data: bytes) -> tuple[int, dict[str, str], dict]:
    """Send `data` as it is over a new connection; (status, headers, JSON body) of the answer."""
    host, port = httpx.URL(sandbox.url).host, httpx.URL(sandbox.url).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
    return response.status, dict(response.getheaders()), json.loads(body)


def _chunks(body: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_a_body_over_the_limit_is_a_413_envelope_and_the_connection_stays_usable(sandbox):
    response = sandbox.http.post(
        "/orders",
        content=b'{"padding": "' + b"x" * 5_000_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    after = sandbox.http.get("/products/CS-8OZ-ECO")

    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "payload_too_large",
        "message": f"The request body is over the limit of {limits.MAX_BODY_BYTES} bytes.",
        "details": {},
    }
    assert response.headers["X-Request-Id"].startswith("req_")
    assert after.status_code == 200
    assert not Order.objects.exists()


def test_a_body_at_the_limit_is_read(sandbox):
    body = json.dumps(ORDER).encode()
    body = body[:-1] + b" " * (limits.MAX_BODY_BYTES - len(body)) + b"}"

    response = sandbox.http.post(
        "/orders", content=body, headers={"Content-Type": "application/json"}
    )

    assert len(body) == limits.MAX_BODY_BYTES
    assert response.status_code == 201


def test_a_chunked_json_body_places_the_order(sandbox):
    response = sandbox.http.post(
        "/orders",
        content=_chunks(json.dumps(ORDER).encode(), size=16),
        headers={"Content-Type": "application/json"},
    )

    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in response.request.headers
    assert response.status_code == 201, response.text
    assert Order.objects.get().id == response.json()["data"]["id"]


def test_a_chunked_body_over_the_limit_is_a_413_envelope(sandbox):
    response = sandbox.http.post(
        "/orders",
        content=_chunks(b"[" + b"1," * limits.MAX_BODY_BYTES + b"1]", size=64 * 1024),
        headers={"Content-Type": "application/json"},
    )

    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_a_body_over_the_servers_own_cap_is_refused_from_its_headers_in_the_envelope(sandbox):
    declared = limits.SERVER_MAX_BODY_BYTES + 1
    status, headers, body = _raw(
        sandbox,
        b"POST /v1/orders HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % declared,
    )

    assert status == 413
    assert headers["Content-Type"] == "application/json"
    assert body["error"]["code"] == "payload_too_large"
    assert str(limits.MAX_BODY_BYTES) in body["error"]["message"]


def test_a_text_plain_body_is_a_415_and_places_no_order(sandbox):
    response = sandbox.http.post(
        "/orders", content=json.dumps(ORDER), headers={"Content-Type": "text/plain"}
    )

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert "text/plain" in response.json()["error"]["message"]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"NOT A REQUEST\r\n\r\n",
        b"GET\r\n\r\n",
        b"get /v1/products HTTP/1.1\r\nHost: sandbox\r\n\r\n",
        b"GET /v1/products HTTP/1.1\r\nHost: sandbox\r\nno colon here\r\n\r\n",
        b"POST /v1/orders HTTP/1.1\r\nHost: sandbox\r\nContent-Length: lots\r\n\r\n",
        b"POST /v1/orders HTTP/1.1\r\nHost: sandbox\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
    ],
    ids=["garbage", "no-target", "lowercase-method", "bad-header", "bad-length", "bad-chunk"],
)
def test_a_request_the_server_cannot_parse_is_a_400_envelope(sandbox, request_bytes):
    status, headers, body = _raw(sandbox, request_bytes)

    assert status == 400
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Request-Id"].startswith("req_")
    assert body["success"] is False
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["message"].startswith("Bad request: ")


@pytest.mark.parametrize(
    "content_type", ["application/json; x=" + "a" * 20_000, "application/json; charset*=nope''x"]
)
def test_a_content_type_django_cannot_parse_is_a_400_envelope(sandbox, content_type):
    response = sandbox.http.post("/orders", content=b"{}", headers={"Content-Type": content_type})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_request",
        "message": "Invalid Content-Type header.",
        "details": {},
    }
    assert response.headers["X-Request-Id"].startswith("req_")
    assert not Order.objects.exists()


def test_an_unsupported_transfer_encoding_is_a_501_envelope(sandbox):
    status, _, body = _raw(
        sandbox,
        b"POST /v1/orders HTTP/1.1\r\nHost: sandbox\r\nTransfer-Encoding: gzip\r\n\r\n",
    )

    assert status == 501
    assert body["error"]["code"] == "not_implemented"


def test_an_over_long_url_is_a_414_envelope(sandbox):
    path = b"/v1/products/" + b"A" * 100_000  # too long for httpx to send
    status, headers, body = _raw(sandbox, b"GET %s HTTP/1.1\r\nHost: sandbox\r\n\r\n" % path)

    assert status == 414
    assert headers["Content-Type"] == "application/json"
    assert body["error"]["code"] == "uri_too_long"


def test_headers_over_the_servers_cap_are_a_431_envelope(sandbox):
    start = b"GET /v1/products HTTP/1.1\r\nHost: sandbox\r\nX-Padding: "
    # Exactly the cap and no end of headers: the server reads it all, then refuses it.
    padding = b"a" * (limits.SERVER_MAX_HEADER_BYTES - len(start))

    status, headers, body = _raw(sandbox, start + padding)

    assert status == 431
    assert headers["Content-Type"] == "application/json"
    assert body["error"]["code"] == "headers_too_large"


def test_an_error_outside_djangos_handling_is_a_500_envelope_without_the_traceback(
    sandbox, monkeypatch
):
    def explode(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(SandboxHandler, "get_response", explode)

    response = sandbox.http.get("/products")

    assert response.status_code == 500
    assert response.json()["error"] == {
        "code": "server_error",
        "message": "Unexpected server error.",
        "details": {},
    }
    assert "boom" not in response.text


def test_a_get_with_a_body_is_answered_as_usual(sandbox):
    response = sandbox.http.request("GET", "/products/CS-8OZ-ECO", content=b'{"ignored": true}')

    assert response.status_code == 200
    assert response.json()["data"]["sku"] == "CS-8OZ-ECO"


def test_every_answer_has_an_access_log_line_as_runserver_wrote_it(sandbox, caplog):
    caplog.set_level(logging.INFO, logger="django.server")

    sandbox.http.get("/products?per_page=1")
    sandbox.http.get("/products/NOPE")
    sandbox.http.get("/products")  # same connection: the lines above are written by now

    lines = {(r.levelname, r.getMessage()) for r in caplog.records if r.name == "django.server"}
    size = len(sandbox.http.get("/products?per_page=1").content)
    assert ("INFO", f'"GET /v1/products?per_page=1 HTTP/1.1" 200 {size}') in lines
    assert any(level == "WARNING" and " /v1/products/NOPE " in m for level, m in lines)


def test_a_dropped_connection_has_no_access_log_line(sandbox, settings, caplog):
    caplog.set_level(logging.INFO, logger="django.server")
    settings.SANDBOX_FAULTS = "reset=1.0"
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        sandbox.http.get("/products?dropped")
    settings.SANDBOX_FAULTS = ""

    sandbox.http.get("/products?answered")
    sandbox.http.get("/products?answered")

    messages = [r.getMessage() for r in caplog.records if r.name == "django.server"]
    assert any("?answered" in message for message in messages)
    assert not any("?dropped" in message for message in messages)
