"""The sandbox's own server: its own middleware and URLs, never the dashboard's."""

import ast
from pathlib import Path

import httpx

import sandbox as sandbox_package
from sandbox.server import start_in_thread, stop


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
