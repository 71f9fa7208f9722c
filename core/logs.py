"""Request ids on every log line, and an optional JSON log format (LOG_FORMAT=json).

`RequestIdMiddleware` takes the caller's `X-Request-ID` (from a proxy such as nginx, if it
looks sane) or makes one, keeps it in a context variable for the duration of the request, and
returns it in the response. `RequestIdFilter` stamps it on every log record made meanwhile —
including the Cup Source client's lines — so one buyer's request can be followed through the
logs. Outside a request (the worker, commands) the id is "-".

Under LOG_FORMAT=json, `log_uncaught_exceptions` (installed by the core app) makes a crash — an
exception nothing caught, in the main thread or another — one JSON line too, traceback inside,
instead of Python's plain-text traceback on stderr.
"""

import json
import logging
import re
import sys
import threading
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id (+ exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def log_uncaught_exceptions() -> None:
    crash = logging.getLogger("cupboard.crash")

    def main_thread(kind, value, traceback):
        if issubclass(kind, KeyboardInterrupt):
            return sys.__excepthook__(kind, value, traceback)
        crash.critical("Uncaught exception: %s", kind.__name__, exc_info=(kind, value, traceback))

    def other_thread(args):
        if args.exc_type is SystemExit:
            return
        crash.critical(
            "Uncaught exception in thread %s: %s",
            args.thread.name if args.thread else "?",
            args.exc_type.__name__,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )

    sys.excepthook = main_thread
    threading.excepthook = other_thread
