"""The sandbox's own server: `python manage.py sandbox_serve`, or a thread in tests.

`SandboxHandler` is Django's WSGI handler with the sandbox's middleware instead of
`settings.MIDDLEWARE` and `sandbox.urls` instead of `ROOT_URLCONF`, so none of the dashboard's
session, CSRF or login machinery applies and the dashboard's URLs are never loaded.

It is served by waitress, a real WSGI server that runs in a thread (gunicorn forks, so it could
not run inside the test process, where the tests need the server). Python's `http.server`,
which served it before, answered a bad request line or an over-long URL with an HTML page, and
read nothing of a chunked body. Waitress parses the request fully before the app runs: it
de-chunks a chunked body and sets its Content-Length, and it refuses on its own what it cannot
parse or what is over its caps (`sandbox.limits`). The sandbox extends it in three places,
waitress's own extension points (the channel's task classes):

- `EnvelopeErrorTask`: waitress's own answers (400 bad request line or headers, 413 body over
  the server's cap, 431 headers too large, 501 unsupported Transfer-Encoding, 500 when the app
  raises) come back in the JSON error envelope, like every other error of the sandbox;
- `SandboxTask.drop_connection`, handed to the app in the WSGI environ, lets the `reset` fault
  abort the connection mid-request (the app never sees the socket itself);
- one access-log line per request on the `django.server` logger, in the format of Django's
  runserver, which the old server wrote and the benchmarks read (`bench/common.py`).
"""

import json
import logging
import socket
import struct
import threading

from django.core.exceptions import BadRequest
from django.core.handlers.wsgi import WSGIHandler
from django.test.utils import override_settings
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, WSGITask

from sandbox import limits, responses
from sandbox.middleware import DROP_CONNECTION_KEY, REASONS, URLCONF

MIDDLEWARE = [
    "sandbox.middleware.RequestIdMiddleware",
    "sandbox.middleware.RequestLimitsMiddleware",
    "sandbox.middleware.ApiKeyMiddleware",
    "sandbox.middleware.FaultMiddleware",
    "sandbox.middleware.ExceptionMiddleware",
]
# Worker threads: each request holds one, a `timeout` fault for `timeout_s` seconds.
THREADS = 16

access_log = logging.getLogger("django.server")
MAX_LOGGED_LINE = 1000  # of a request line: a 100 KB URL is refused, not copied into the log


class SandboxHandlerMixin:
    """Works on top of any Django handler (the WSGI one here, the test client's in tests)."""

    def load_middleware(self, is_async=False):
        with override_settings(MIDDLEWARE=MIDDLEWARE):
            super().load_middleware(is_async)

    def get_response(self, request):
        request.urlconf = URLCONF
        return super().get_response(request)


class SandboxHandler(SandboxHandlerMixin, WSGIHandler):
    def __call__(self, environ, start_response):
        try:
            return super().__call__(environ, start_response)
        except BadRequest as exc:
            # Raised while Django builds the request, before any middleware: a Content-Type
            # header it cannot parse. The client's fault, so a 400 envelope, not a 500.
            response = responses.error(400, "invalid_request", f"{exc}")
            response["X-Request-Id"] = responses.new_request_id()
            response["Content-Length"] = str(len(response.content))
            start_response("400 Bad Request", list(response.items()))
            return response


class AccessLogMixin:
    """`"GET /v1/products HTTP/1.1" 200 5120` once the answer is written, as runserver logs it:
    INFO, WARNING for a 4xx, ERROR for a 5xx. A dropped connection has no line."""

    dropped = False

    def service(self):
        super().service()
        if self.dropped:
            return
        status = int(self.status.split(" ", 1)[0])
        level = (
            logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        )
        request_line = getattr(self.request, "first_line", b"")[:MAX_LOGGED_LINE]
        access_log.log(
            level,
            '"%s" %s %s',
            request_line.decode("latin-1"),
            status,
            self.content_bytes_written,
            extra={"status_code": status},
        )


class SandboxTask(AccessLogMixin, WSGITask):
    def get_environment(self):
        environ = super().get_environment()
        environ[DROP_CONNECTION_KEY] = self.drop_connection
        return environ

    def drop_connection(self) -> None:
        """Abort the connection now: shut it both ways, and reset it when waitress closes it.

        What the app then writes goes to a socket that is shut; waitress's loop finds it so and
        closes the connection."""
        self.dropped = True
        sock = self.channel.socket
        if sock is None:  # the client has gone already
            return
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)


class EnvelopeErrorTask(AccessLogMixin, ErrorTask):
    """Waitress's own error answers, as the sandbox's JSON envelope (the connection is closed
    afterwards, as waitress does for every error it answers itself)."""

    def execute(self):
        error = self.request.error
        status = error.code
        code = responses.ERROR_CODES_BY_STATUS.get(
            status, "server_error" if status >= 500 else "invalid_request"
        )
        body = json.dumps(responses.error_body(code, _message(status, error.body))).encode()
        self.status = f"{status} {error.reason}"
        self.response_headers.extend(
            [
                ("Content-Type", "application/json"),
                ("X-Request-Id", responses.new_request_id()),
            ]
        )
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


def _message(status: int, detail: str) -> str:
    if status == 413:
        return limits.BODY_TOO_LARGE
    if status == 431:
        return f"The request line and headers are over {limits.SERVER_MAX_HEADER_BYTES} bytes."
    if status >= 500 and status != 501:
        return "Unexpected server error."  # never the traceback
    return f"{REASONS.get(status, 'Bad request.').rstrip('.')}: {detail.rstrip('.')}."


class SandboxChannel(HTTPChannel):
    task_class = SandboxTask
    error_task_class = EnvelopeErrorTask


class SandboxServer(TcpWSGIServer):
    channel_class = SandboxChannel

    def __init__(self, host: str, port: int, *, threads: int = THREADS):
        self.socket_map = {}  # waitress's loop serves what is in it: this, its trigger, channels
        super().__init__(
            SandboxHandler(),
            map=self.socket_map,
            host=host,
            port=port,
            threads=threads,
            max_request_header_size=limits.SERVER_MAX_HEADER_BYTES,
            max_request_body_size=limits.SERVER_MAX_BODY_BYTES,
            asyncore_use_poll=True,  # select() fails past 1024 open files
        )

    @property
    def url(self) -> str:
        host, port = self.effective_host, self.effective_port
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def close_everything(self) -> None:
        """Stop listening and close every connection; waitress's loop then ends. Must run in
        the loop's own thread while it runs (see `stop`)."""
        for dispatcher in list(self.socket_map.values()):
            if isinstance(dispatcher, HTTPChannel):
                dispatcher.handle_close()  # also wakes a worker waiting to write to it
            else:
                dispatcher.close()


def serve(host: str, port: int, *, on_start=None) -> None:
    """Serve until interrupted (blocking); `on_start(url)` is called once listening."""
    server = SandboxServer(host, port)
    try:
        if on_start is not None:
            on_start(server.url)
        server.run()  # on Ctrl-C it stops the worker threads and returns
    finally:
        server.close_everything()


def start_in_thread(
    host: str = "127.0.0.1", port: int = 0
) -> tuple[SandboxServer, threading.Thread, str]:
    """Start a server in a daemon thread; returns (server, thread, root URL without /v1)."""
    server = SandboxServer(host, port)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.name = "cupsource-sandbox"
    thread.start()
    return server, thread, server.url


def stop(server: SandboxServer, thread: threading.Thread) -> None:
    """Stop a server started by `start_in_thread`: its connections, its loop, its workers."""
    server.trigger.pull_trigger(server.close_everything)  # runs in the loop's thread
    thread.join(timeout=5)
    server.close_everything()  # what is left if the loop had already stopped
    server.task_dispatcher.shutdown(timeout=5)
