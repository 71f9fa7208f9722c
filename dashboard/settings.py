"""Cupboard settings: one file, everything from the environment (see .env.example).

Development needs no configuration at all: SQLite, an in-process cache and the embedded
sandbox API. With DJANGO_DEBUG=false the process refuses to start unless SECRET_KEY,
ALLOWED_HOSTS and CUPSOURCE_API_KEY are set.
"""

import ipaddress
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from core.env import Env

BASE_DIR = Path(__file__).resolve().parent.parent

# Strict: a boolean or number that does not parse stops startup with its name (core/env.py).
env = Env()
if env.bool("DJANGO_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CUPSOURCE_API_KEY = env.str("CUPSOURCE_API_KEY", default="")
# Links in mails and webhooks: the address buyers open Cupboard at (required in production).
SITE_URL = env.str("SITE_URL", default="")

if not DEBUG:
    missing = [
        name
        for name, value in [
            ("SECRET_KEY", SECRET_KEY),
            ("ALLOWED_HOSTS", ALLOWED_HOSTS),
            ("CUPSOURCE_API_KEY", CUPSOURCE_API_KEY),
            ("SITE_URL", SITE_URL),
        ]
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"DJANGO_DEBUG is off, so {', '.join(missing)} must be set in the environment "
            "(see .env.example). Refusing to start."
        )
else:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]
    SITE_URL = SITE_URL or f"http://127.0.0.1:{env.int('PORT', default=8000)}"
if not re.fullmatch(r"https?://[^/\s]+(/[^\s]*)?", SITE_URL):
    raise ImproperlyConfigured(
        f"SITE_URL must be the address buyers open Cupboard at, e.g. "
        f"https://cupboard.example.com (it is {SITE_URL!r})."
    )

# The embedded sandbox (a local Cup Source API v1) is on by default in development only.
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=DEBUG)
SANDBOX_PORT = env.int("SANDBOX_PORT", default=8100)
SANDBOX_RATE_LIMIT = env.int("SANDBOX_RATE_LIMIT", default=120)
SANDBOX_TIME_SCALE = env.float("SANDBOX_TIME_SCALE", default=120.0)
SANDBOX_FAULTS = env.str("SANDBOX_FAULTS", default="")

CUPSOURCE_API_URL = env.str(
    "CUPSOURCE_API_URL",
    default=f"http://127.0.0.1:{SANDBOX_PORT}/v1"
    if SANDBOX_ENABLED
    else "https://api.cupsource.com/v1",
)
CUPSOURCE_TIMEOUT = env.float("CUPSOURCE_TIMEOUT", default=10.0)
CUPSOURCE_MAX_RETRIES = env.int("CUPSOURCE_MAX_RETRIES", default=2)
CUPSOURCE_RATE_LIMIT = env.int("CUPSOURCE_RATE_LIMIT", default=120)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widget templates, for core.forms.FormRenderer
    "django_htmx",
    "django_tasks_db",
    "axes",
    # Multi-factor sign-in (TOTP, passkeys, recovery codes): django-allauth's MFA, on top of
    # Django's own login form (accounts/views.py hands the password step to allauth's flow).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Cupboard's apps, lowest layer first (each imports only those above it in this list;
    # `make lint` checks it with import-linter, see .importlinter).
    "core",
    "supplier",
    "accounts",
    "notifications",
    "catalog_app",
    "orders_app",
    "favourites",
    "people",
    "replenishment",
    "overview",
]
if SANDBOX_ENABLED:
    INSTALLED_APPS.append("sandbox")

MIDDLEWARE = [
    "core.logs.RequestIdMiddleware",
    "overview.health.HealthCheckMiddleware",  # probes: JSON by any Host, sessions never read
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",  # Django's, htmx-aware
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MfaSetupMiddleware",  # a role that needs MFA sets it up first
    "accounts.middleware.SlidingSessionMiddleware",
    "accounts.middleware.AuditAddressMiddleware",  # the client's address in the audit log
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "dashboard.urls"
FORM_RENDERER = "core.forms.FormRenderer"
WSGI_APPLICATION = "dashboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orders_app.context_processors.cart_summary",
                "orders_app.context_processors.approvals",
                "accounts.context_processors.roles",
                "notifications.context_processors.bell",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# `manage.py backup` and `restore` refuse to run on the development default (core/backups.py).
DATABASE_CONFIGURED = env.is_set("DATABASE_URL")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE transactions let the web server, the worker and the sandbox share one
    # file without "database is locked" errors; the test database is a file too, so that the
    # sandbox server thread in tests sees what the tests wrote.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # Python keeps up to this many prepared statements per connection (default 128). A
            # catalog sync prepares a few large bulk statements per 1,000 products, so with the
            # default its memory grew with the catalog until the cache filled; 16 keeps it flat
            # and is plenty for a page's handful of queries.
            "cached_statements": 16,
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

# "default" caches per process; "shared" holds what every process must agree on (the API
# request budget, tracking snapshots, locks). With CACHE_URL set (Redis in production) both are
# that cache; without it, "shared" falls back to a table in the database so that the web server
# and the worker of a single-machine install still share one budget.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://cupboard")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis down is a cache miss, not a 500; the request budget alone fails closed
    # (core/cache.py). Short timeouts: a lost server must not hold a page for long.
    CACHES["default"]["BACKEND"] = "core.cache.FailSoftRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 2}
    )
if env.is_set("CACHE_URL"):
    CACHES["shared"] = CACHES["default"]
else:
    # The catalog keeps its renderings here (catalog_app/listing.py: a listing ~8 KB compressed,
    # a row ~3 KB): room for a few thousand, not locmem's default 300 (a page alone is 26).
    CACHES["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 10_000
    CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cupboard_shared_cache",
        # Never cull: past MAX_ENTRIES Django deletes a third of the rows, which could take the
        # request budget or a lock with them. The table holds a few rows per buyer (the header
        # figures, core/user_facts.py) and a few dozen fixed keys.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }

# Background work runs on django.tasks. Two queues, each with its own worker process, so that a
# long catalog sync never holds up an order submission: "default" (orders, tracking) and
# "catalog" (the catalog sync). `manage.py run_scheduler` enqueues the periodic jobs.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "catalog"],
    }
}
CATALOG_SYNC_INTERVAL = env.int("CATALOG_SYNC_INTERVAL", default=15 * 60)  # seconds
ORDERS_RETRY_INTERVAL = env.int("ORDERS_RETRY_INTERVAL", default=15)  # queued / in-doubt sweep
TRACKING_REFRESH_INTERVAL = env.int("TRACKING_REFRESH_INTERVAL", default=5 * 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins before checking them
    "django.contrib.auth.backends.ModelBackend",
]

# --- Security ------------------------------------------------------------------------------
# Sessions: the key is rotated at login (django.contrib.auth.login); a session ends after
# SESSION_IDLE_TIMEOUT seconds without a request (sliding: accounts' SlidingSessionMiddleware
# renews it while the user is active), and SESSION_ABSOLUTE_TIMEOUT seconds after login however
# active it is.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 3600)
if not 0 < SESSION_IDLE_TIMEOUT <= SESSION_ABSOLUTE_TIMEOUT:
    raise ImproperlyConfigured(
        "SESSION_IDLE_TIMEOUT must be a positive number of seconds, and SESSION_ABSOLUTE_TIMEOUT "
        "at least as long."
    )
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT

# Production (DJANGO_DEBUG=false) is HTTPS only: secure cookies, HSTS for a year, redirects.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto and appends the client to
# X-Forwarded-For (and strips what clients send): trust those two headers.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form (its page went out of date: a login in another tab, a long pause) gets a page
# that says so and offers back what was typed (templates/403_csrf.html); htmx gets one sentence.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]  # load balancers probe over HTTP
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy (Django's own): nothing unless listed; scripts only from this site
# and <script> tags carrying the per-request nonce ({% htmx_script %} adds it); no inline styles,
# no eval (htmx is told so in base.html's htmx-config).
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# Prometheus metrics at /metrics (overview/metrics.py): off unless a bearer token or an
# allow-list of addresses/networks is set.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOW_IPS = env.list("METRICS_ALLOW_IPS", default=[])
for _network in METRICS_ALLOW_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            "METRICS_ALLOW_IPS must list addresses or networks (e.g. 10.0.0.0/8), "
            f"not {_network!r}."
        ) from None

# The audit log keeps entries for AUDIT_RETENTION_DAYS (0: for ever); the scheduler's daily
# housekeeping deletes older ones, and expired sessions.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
if AUDIT_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be 0 (keep for ever) or more days.")

# Brute force (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# IP address, that pair is locked for AXES_COOLOFF_MINUTES; other users and other addresses
# are unaffected. Staff unlock early by deleting the attempt in the admin (Axes › Access attempts).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.float("AXES_COOLOFF_MINUTES", default=15)
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_MINUTES <= 0:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be positive.")
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.ip.client_ip"
AXES_VERBOSE = False  # no banner at every start; failed logins are in the audit log

# Multi-factor sign-in (django-allauth's MFA): an authenticator app (TOTP), passkeys (WebAuthn,
# also for signing in without a password) and recovery codes. MFA_REQUIRED: team admins,
# approvers and staff must set up a second factor at their next login (buyers may). A wrong
# code counts as a failed login for django-axes' lockout (accounts/signals.py).
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Cupboard"
MFA_RECOVERY_CODE_COUNT = 10
MFA_FORMS = {
    "authenticate": "accounts.mfa.AuthenticateForm",
    "authenticate_webauthn": "accounts.mfa.AuthenticateWebAuthnForm",
    "reauthenticate_webauthn": "accounts.mfa.ReauthenticateWebAuthnForm",
    "login_webauthn": "accounts.mfa.LoginWebAuthnForm",
    "add_webauthn": "accounts.mfa.AddWebAuthnForm",
}
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
# Browsers allow passkeys on http://localhost only; the check is relaxed in development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
ACCOUNT_ADAPTER = "accounts.mfa.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_REAUTHENTICATION_TIMEOUT = (
    15 * 60
)  # seconds after login that factor changes need no re-entry

# Orders over the buyer's spending threshold wait for an approver (see accounts/). The
# organisation default, in USD; a buyer's own threshold is set in the admin (Buyer settings).
try:
    APPROVAL_THRESHOLD = Decimal(env.str("APPROVAL_THRESHOLD", default="2500.00"))
except InvalidOperation as exc:
    raise ImproperlyConfigured("APPROVAL_THRESHOLD must be an amount in USD, e.g. 2500.00") from exc
if not APPROVAL_THRESHOLD.is_finite() or APPROVAL_THRESHOLD < 0:
    raise ImproperlyConfigured("APPROVAL_THRESHOLD must be an amount in USD, e.g. 2500.00")

# Roles (accounts/roles.py). ORDER_VISIBILITY: whether buyers see the team's orders (read-only)
# or only their own; a team admin may choose otherwise on the Team page.
ORDER_VISIBILITY = env.str("ORDER_VISIBILITY", default="team")
if ORDER_VISIBILITY not in {"team", "own"}:
    raise ImproperlyConfigured(
        f"ORDER_VISIBILITY must be 'team' or 'own', not {ORDER_VISIBILITY!r}."
    )
INVITATION_DAYS = 3  # an invitation link works for 72 hours

# E-mail (notifications, password reset): through the SMTP server EMAIL_URL names, e.g.
# smtp+tls://user:password@mail.example.com:587. Without it, development keeps every mail in a
# local outbox that staff read in the admin (Notifications › Local outbox); production prints
# them to the console, and `check --deploy` insists on a real server.
_email = env.email_url("EMAIL_URL", default="consolemail://")
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"],
        "password": _email["EMAIL_HOST_PASSWORD"],
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": 10,
    }
if DEBUG and not env.is_set("EMAIL_URL"):
    MAILERS = {"default": {"BACKEND": "notifications.backends.OutboxBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cupboard <cupboard@localhost>")
PASSWORD_RESET_TIMEOUT = 3 * 3600  # seconds a reset link works

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files (after `collectstatic`) in production; plain files otherwise.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} [{request_id}] {name} {message}", "style": "{"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.server": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}
