"""The sandbox's own WSGI server: `python manage.py sandbox_serve`, or a thread in tests.

`SandboxHandler` is Django's WSGI handler with the sandbox's middleware instead of
`settings.MIDDLEWARE` and `sandbox.urls` instead of `ROOT_URLCONF`, so none of the dashboard's
session, CSRF or login machinery applies and the dashboard's URLs are never loaded.
"""

import threading

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test.utils import override_settings

from sandbox.middleware import SOCKET_KEY, URLCONF

MIDDLEWARE = [
    "sandbox.middleware.RequestIdMiddleware",
    "sandbox.middleware.ApiKeyMiddleware",
    "sandbox.middleware.FaultMiddleware",
    "sandbox.middleware.ExceptionMiddleware",
]


class SandboxHandlerMixin:
    """Works on top of any Django handler (the WSGI one here, the test client's in tests)."""

    def load_middleware(self, is_async=False):
        with override_settings(MIDDLEWARE=MIDDLEWARE):
            super().load_middleware(is_async)

    def get_response(self, request):
        request.urlconf = URLCONF
        return super().get_response(request)


class SandboxHandler(SandboxHandlerMixin, WSGIHandler):
    pass


class SandboxRequestHandler(WSGIRequestHandler):
    """Hands the socket to the app, for the `reset` fault (which aborts the connection)."""

    # Headers and body go out in separate writes: without this, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every response.
    disable_nagle_algorithm = True

    def get_environ(self):
        environ = super().get_environ()
        environ[SOCKET_KEY] = self.connection
        return environ


def make_server(host: str, port: int) -> ThreadedWSGIServer:
    server = ThreadedWSGIServer((host, port), SandboxRequestHandler, ipv6=":" in host)
    server.set_app(SandboxHandler())
    return server


def base_url(server: ThreadedWSGIServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def serve(host: str, port: int, *, on_start=None) -> None:
    """Serve until interrupted (blocking); `on_start(url)` is called once listening."""
    server = make_server(host, port)
    try:
        if on_start is not None:
            on_start(base_url(server))
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def start_in_thread(
    host: str = "127.0.0.1", port: int = 0
) -> tuple[ThreadedWSGIServer, threading.Thread, str]:
    """Start a server in a daemon thread; returns (server, thread, root URL without /v1)."""
    server = make_server(host, port)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.name = "cupsource-sandbox"
    thread.start()
    return server, thread, base_url(server)


def stop(server: ThreadedWSGIServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
