"""gunicorn's settings for Cupboard; gunicorn reads this file from its working directory (the
checkout), whoever starts it: the systemd unit (deploy/cupboard-web.service), `make serve`, the
Procfile. Options on the command line win.

- workers: WEB_CONCURRENCY (default 2), read strictly like every setting (core/env.py);
- no control socket (gunicorn ≥ 25 makes one in the home directory, which a system user
  without a writable home cannot: a permission error at every start);
- LOG_FORMAT=json: gunicorn's own lines (worker boots, crashes with their tracebacks, the
  access log, the master's own crash) are one JSON object per line, like Django's.
"""

from core.env import Env
from core.logs import log_uncaught_exceptions

env = Env()
workers = env.int("WEB_CONCURRENCY", default=2)
if workers < 1:
    raise SystemExit("WEB_CONCURRENCY must be at least 1.")
control_socket_disable = True
accesslog = "-"

if env.str("LOG_FORMAT", default="plain") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "cupboard.crash": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
    log_uncaught_exceptions()  # the master's own crash (e.g. no worker could boot), as JSON
