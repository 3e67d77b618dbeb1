"""Settings for the voice-store portal.

Everything that differs between a laptop and production comes from the environment
(django-environ). With nothing set the portal runs on SQLite with Celery tasks executed
eagerly; ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and a real broker.
``.env.example`` lists every variable.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Required when DEBUG is off: gunicorn/uvicorn refuse to start without it (config/wsgi.py,
# config/asgi.py) and `check --deploy` reports it, while tooling that never signs anything
# (makemigrations, collectstatic, ...) still runs. Django itself refuses an empty key on use.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-local-development-key-only"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as static files (/api/docs/)
    "django_filters",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
    "csp",
    "health_check",
    "django_prometheus",
    "oauth2_provider",
    "rest_framework_api_key",  # hashes keys; the stores' keys are apikeys' own model
    "config",
    "outbox",
    "merchant",
    "apikeys",
    "catalog",
    "discounts",
    "webhooks",
    "orders",
    "cards",
    "shoppers",
    "linking",
    "notifications",
    "isp",
    "skill",
    "shop",
    "ucp",
    "voicelab",
    "smapi_sandbox",
    "analytics",
    "demo",
]

MIDDLEWARE = [
    # First: load balancers probe /healthz by address over plain HTTP, so it answers before
    # the host check (ALLOWED_HOSTS) and the HTTPS redirect; then a store's own shop domain.
    "config.health.HealthCheckMiddleware",
    "merchant.domains.ShopDomainMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "merchant.two_factor.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last but one (axes' advice): turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "merchant.navigation.portal_navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that accepts the connection but never answers costs at most this many seconds
    # (libpq; 2 is its minimum). The skill bounds its queries too: ALEXA_DB_DEADLINE_SECONDS.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The local default: concurrent writers (three staff confirming refunds at once) queue
    # for the write lock instead of failing with "database is locked". WAL lets readers
    # go on meanwhile; IMMEDIATE takes the lock at the transaction's start, so no reader is
    # upgraded into a deadlock; a writer waits up to SQLITE_BUSY_TIMEOUT seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.float("SQLITE_BUSY_TIMEOUT", default=20.0),
        }
    )

# django-prometheus' wrappers of the same backends count queries and errors per database.
_PROMETHEUS_DB_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}
DATABASES["default"]["ENGINE"] = _PROMETHEUS_DB_ENGINES.get(
    DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"]
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (product images): local or an S3-compatible bucket, STORAGES and MEDIA_*.
from config.media_settings import *  # noqa: E402, F403

# One login page for the admin, the support and voice consoles and the API's session: the
# password step, then the token step for staff with a two-factor device (merchant/login.py).
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Axes counts failed logins first; then the portal's password login (Django's ModelBackend
# refusing shopper accounts) and the shops' login (store + email + password, shoppers only):
# a staff login is never a shopper login, nor the reverse (shoppers/auth.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "shoppers.auth.StaffModelBackend",
    "shoppers.auth.ShopperBackend",
]

# A product page with its full synonym list (at most 1,000 rows of five fields each, see
# catalog/admin.py) fits; Django's default of 1,000 fields would refuse it with a 400 page.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# The REST API (DRF, its keys, the OpenAPI schema): config/api_settings.py, read below.

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A publish to a broker that is down or silent fails within about a second (one connection
# attempt of at most this long): the web process answers at once and the outbox's sweeper
# sends the task later (outbox/broker.py). Workers keep retrying their own connection.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_SOCKET_TIMEOUT = env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=1.0)
# Celery's own publish retries, for the calls that do not go through the outbox.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# The transactional outbox (outbox app): after a broker failure a process leaves its tasks to
# the sweeper for this many seconds; the sweeper (every minute) sends messages due this many
# seconds ago (younger ones are still on their way from the commit hook), at most a batch a
# run; a claimed message not marked sent within the claim is sent again; sent ones are kept
# for this many days.
OUTBOX_BROKER_PAUSE_SECONDS = env.float("OUTBOX_BROKER_PAUSE_SECONDS", default=5.0)
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", default=30)
OUTBOX_SWEEP_BATCH = env.int("OUTBOX_SWEEP_BATCH", default=1000)
OUTBOX_CLAIM_SECONDS = env.int("OUTBOX_CLAIM_SECONDS", default=120)
OUTBOX_KEEP_SENT_DAYS = env.int("OUTBOX_KEEP_SENT_DAYS", default=7)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="orders@voice-store.local")

# Alexa skill endpoint.
ALEXA_VERIFY_REQUESTS = env.bool("ALEXA_VERIFY_REQUESTS", default=True)
# The deployment's default (a store may set its own): the first allowed host over HTTPS.
ALEXA_SKILL_ENDPOINT_URL = env.str(
    "ALEXA_SKILL_ENDPOINT_URL", default=f"https://{ALLOWED_HOSTS[0].lstrip('.')}/alexa/"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)

# --- Security: HTTPS behind a TLS-terminating load balancer ---------------------------------
# The load balancer speaks HTTPS to browsers and Alexa and plain HTTP to the portal; it says
# which one the client used in X-Forwarded-Proto. Trust that header only behind such a
# balancer (it must overwrite the header a client sends).
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # answered before it anyway (config/health.py)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

# Content Security Policy (django-csp 4): scripts only from this site or carrying the
# per-response nonce (`{{ request.csp_nonce }}`); no inline event handlers; styles from
# this site (the admin needs no inline styles). CSP_REPORT_URI collects violation reports.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

_CSP: dict[str, dict[str, object]] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *MEDIA_IMG_SRC],  # noqa: F405  # config/media_settings.py
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if env.str("CSP_REPORT_URI", default=""):
    _CSP["DIRECTIVES"]["report-uri"] = [env.str("CSP_REPORT_URI")]
CONTENT_SECURITY_POLICY: dict[str, dict[str, object]] | None = _CSP
# true: browsers report violations but still load everything (to try a policy change)
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
    CONTENT_SECURITY_POLICY = None

# --- Login throttling (django-axes) -----------------------------------------------------------
# Every login form authenticates through Django, so every one is counted: after
# AXES_FAILURE_LIMIT failures for one user name from one address, that pair is locked out
# for AXES_COOLOFF_MINUTES, even with the right password; other users and addresses are not.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Behind a load balancer REMOTE_ADDR is the balancer: take the client's address from the
# X-Forwarded-For entry that the TRUSTED_PROXY_COUNT trusted proxies appended (0: REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"

# --- Two-factor authentication for owners and refunders (django-two-factor-auth, TOTP) -------
# When on, owners, staff who may refund and superusers must enrol an authenticator app and
# give its code at every login before the admin, the consoles or the API let them in.
# Off by default only with DEBUG, so the `make run` demo accounts log in with a password.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=not DEBUG)
TWO_FACTOR_LOGIN_TIMEOUT = 600
TWO_FACTOR_REMEMBER_COOKIE_AGE = None

# --- Operations: /healthz and /metrics ---------------------------------------------------------
# /metrics (Prometheus) answers staff or `Authorization: Bearer <METRICS_TOKEN>`; empty: staff.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False

# --- Skill endpoint (skill app) ---------------------------------------------------------------
# How long fetching Alexa's signing certificate chain may take, and the largest request body
# /alexa/ accepts (Alexa's own requests are far smaller; bigger bodies get HTTP 400).
ALEXA_CERT_FETCH_TIMEOUT = env.float("ALEXA_CERT_FETCH_TIMEOUT", default=3.0)
ALEXA_MAX_BODY_BYTES = env.int("ALEXA_MAX_BODY_BYTES", default=128 * 1024)
# Seconds a worker keeps the store it looked up by skill id (0: look it up every request).
ALEXA_STORE_CACHE_SECONDS = env.float("ALEXA_STORE_CACHE_SECONDS", default=5.0)
# Alexa's own APIs (the device's address, the shopper's email): the hosts a request's
# apiEndpoint may name, and the time allowed for one call.
ALEXA_API_HOSTS = env.list(
    "ALEXA_API_HOSTS",
    default=["api.amazonalexa.com", "api.eu.amazonalexa.com", "api.fe.amazonalexa.com"],
)
ALEXA_API_TIMEOUT_SECONDS = env.float("ALEXA_API_TIMEOUT_SECONDS", default=1.5)
# A turn still waiting for the database after this many seconds drops the connection and
# answers with the spoken apology (Alexa gives up after 8 s; skill/deadline.py). 0: no bound.
ALEXA_DB_DEADLINE_SECONDS = env.float("ALEXA_DB_DEADLINE_SECONDS", default=2.0)
# The skill's hot read is prepared once per database connection (PostgreSQL). Turn off behind
# a pooler in transaction mode (PgBouncer), where session-level prepared statements break.
ALEXA_PREPARED_STATEMENTS = env.bool("ALEXA_PREPARED_STATEMENTS", default=True)

# --- Secrets kept in the database (merchant.crypto) --------------------------------------------
# Fernet keys (comma-separated: the first encrypts, all decrypt, so a key can be rotated) for
# secrets stored on rows, such as a store's Alexa messaging client secret. Required when DEBUG
# is off (`check --deploy` reports it); with DEBUG on a key derived from SECRET_KEY is used.
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])

# --- Order notifications on Alexa (notifications app) -----------------------------------------
# Login with Amazon's token endpoint (client credentials) and the hosts it may be on; the
# Proactive Events API is called on the shopper's regional host, one of ALEXA_API_HOSTS.
ALEXA_LWA_TOKEN_URL = env.str("ALEXA_LWA_TOKEN_URL", default="https://api.amazon.com/auth/o2/token")
ALEXA_LWA_HOSTS = env.list("ALEXA_LWA_HOSTS", default=["api.amazon.com"])
# Connect and read time allowed for one call to Login with Amazon or the Proactive Events API.
ALEXA_NOTIFICATION_TIMEOUT_SECONDS = env.float("ALEXA_NOTIFICATION_TIMEOUT_SECONDS", default=5.0)
# Tries of one notification (429 and 5xx are retried after 30 s, 60 s, 120 s, ...).
ALEXA_NOTIFICATION_MAX_TRIES = env.int("ALEXA_NOTIFICATION_MAX_TRIES", default=5)
ALEXA_NOTIFICATION_RETRY_SECONDS = env.int("ALEXA_NOTIFICATION_RETRY_SECONDS", default=30)
# How long Alexa keeps showing an order notification (Amazon allows 5 minutes to 24 hours).
ALEXA_NOTIFICATION_EXPIRY_HOURS = env.int("ALEXA_NOTIFICATION_EXPIRY_HOURS", default=24)

# --- In-skill purchasing (isp app) -------------------------------------------------------------
# Share of an in-skill product's list price the developer earns, for estimates only: Amazon's
# current terms are in the Developer Services Agreement (the 2019 guide said 70 %).
ISP_REVENUE_SHARE = Decimal(env.str("ISP_REVENUE_SHARE", default="0.70"))
# Connect and read time allowed for one Monetization Service API call; a product list that
# takes several pages gets twice this in all, then the skill goes on with the free experience.
ISP_API_TIMEOUT_SECONDS = env.float("ISP_API_TIMEOUT_SECONDS", default=1.5)
# Where stores in ISP sandbox mode send their Monetization API calls: the portal's own fake of
# Amazon (isp/sandbox_views.py), by default on the origin of ALEXA_SKILL_ENDPOINT_URL.
ISP_SANDBOX_BASE_URL = env.str(
    "ISP_SANDBOX_BASE_URL",
    default="{0.scheme}://{0.netloc}/sandbox/monetization".format(
        urlsplit(ALEXA_SKILL_ENDPOINT_URL)
    ),
)

# --- Back office: orders, payments, Celery beat (owned by the orders app) -------------------
# Payment gateway: the embedded Amazon Pay sandbox (orders/gateways.py) unless told otherwise.
ORDERS_PAYMENT_GATEWAY = env.str("ORDERS_PAYMENT_GATEWAY", default="amazon_pay_sandbox")
# Sandbox realism: seconds each call takes, seconds until a refund leaves Pending.
AMAZON_PAY_SANDBOX_LATENCY_SECONDS = env.float("AMAZON_PAY_SANDBOX_LATENCY_SECONDS", default=0.0)
AMAZON_PAY_SANDBOX_REFUND_SECONDS = env.float("AMAZON_PAY_SANDBOX_REFUND_SECONDS", default=0.0)
# Amazon authorizations last 30 days: warn 7 days before, capture or release 1 day before.
ORDERS_AUTHORIZATION_WARNING = timedelta(
    days=env.int("ORDERS_AUTHORIZATION_WARNING_DAYS", default=7)
)
ORDERS_AUTHORIZATION_ACTION = timedelta(days=env.int("ORDERS_AUTHORIZATION_ACTION_DAYS", default=1))
# Failed refill renewals: retried after 1 h, 2 h, 4 h (beat-driven), then reported.
ORDERS_RENEWAL_MAX_ATTEMPTS = env.int("ORDERS_RENEWAL_MAX_ATTEMPTS", default=4)
ORDERS_RENEWAL_RETRY_SECONDS = env.int("ORDERS_RENEWAL_RETRY_SECONDS", default=3600)
ORDERS_REFUND_POLL_SECONDS = env.int("ORDERS_REFUND_POLL_SECONDS", default=60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # acks_late tasks of a worker that died are redelivered after this many seconds (Redis).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # A publish is bounded (see CELERY_BROKER_CONNECTION_TIMEOUT): one connection attempt
    # when the channel is (re)opened, then a connect and a socket timeout.
    "max_retries": 0,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": CELERY_BROKER_SOCKET_TIMEOUT,
}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Synced into django_celery_beat's tables by its DatabaseScheduler at start.
CELERY_BEAT_SCHEDULE = {
    "orders-renew-due-refill-plans": {
        "task": "orders.tasks.renew_due_refill_plans",
        "schedule": 600.0,
    },
    "orders-check-expiring-authorizations": {
        "task": "orders.tasks.check_expiring_authorizations",
        "schedule": 3600.0,
    },
    "orders-settle-pending-refunds": {
        "task": "orders.tasks.settle_pending_refunds",
        "schedule": 900.0,
    },
    "outbox-sweep": {
        "task": "outbox.tasks.sweep_outbox",
        "schedule": 60.0,
    },
    "webhooks-sweep-deliveries": {
        "task": "webhooks.tasks.sweep_webhook_deliveries",
        "schedule": 60.0,
    },
    # Hourly, so each store's yesterday is rolled up within the hour after its midnight.
    "analytics-rollup-recent-days": {
        "task": "analytics.tasks.rollup_recent_days",
        "schedule": crontab(minute=20),
    },
    "analytics-purge-old-interactions": {
        "task": "analytics.tasks.purge_old_interactions",
        "schedule": crontab(hour=3, minute=40),
    },
}

# --- Analytics (analytics app) ------------------------------------------------------------------
# Closed days each hourly rollup run recomputes (yesterday included), for rows that arrive late.
ANALYTICS_RECOMPUTE_DAYS = env.int("ANALYTICS_RECOMPUTE_DAYS", default=3)
# Raw skill interactions older than this many days are deleted (days already rolled up only).
ANALYTICS_RETENTION_DAYS = env.int("ANALYTICS_RETENTION_DAYS", default=400)
# The purge deletes this many rows per transaction, at most this many batches per store a run.
ANALYTICS_PURGE_BATCH = env.int("ANALYTICS_PURGE_BATCH", default=10_000)
ANALYTICS_PURGE_MAX_BATCHES = env.int("ANALYTICS_PURGE_MAX_BATCHES", default=100)
# The longest range the analytics API answers, in days (both ends included).
ANALYTICS_MAX_RANGE_DAYS = env.int("ANALYTICS_MAX_RANGE_DAYS", default=366)

# --- Webhooks to the merchants' systems (webhooks app) -----------------------------------------
# Endpoints must be public HTTPS addresses (checked again at each delivery after resolving the
# host). true: allow http:// and loopback/private addresses, for development and tests only.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)
WEBHOOKS_CONNECT_TIMEOUT_SECONDS = env.float("WEBHOOKS_CONNECT_TIMEOUT_SECONDS", default=3.0)
WEBHOOKS_READ_TIMEOUT_SECONDS = env.float("WEBHOOKS_READ_TIMEOUT_SECONDS", default=10.0)
# Failed attempts are retried after 30 s, doubling up to 4 h: 15 attempts over about a day,
# then the delivery gives up, the endpoint is disabled and the store's owners are emailed.
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=15)
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=30)
WEBHOOKS_RETRY_MAX_SECONDS = env.int("WEBHOOKS_RETRY_MAX_SECONDS", default=4 * 3600)
# The sweeper queues pending deliveries due this many seconds ago (younger ones are still on
# their way from the commit hook), at most WEBHOOKS_SWEEP_BATCH a minute.
WEBHOOKS_SWEEP_GRACE_SECONDS = env.int("WEBHOOKS_SWEEP_GRACE_SECONDS", default=30)
WEBHOOKS_SWEEP_BATCH = env.int("WEBHOOKS_SWEEP_BATCH", default=10_000)

# --- The portal's public address: scheme and host in links made without a request (account
# emails, the 3-D Secure link, account linking's URLs); default: the skill endpoint's origin.
_ENDPOINT = urlsplit(ALEXA_SKILL_ENDPOINT_URL)
_ORIGIN = f"{_ENDPOINT.scheme}://{_ENDPOINT.netloc}"
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default=_ORIGIN).rstrip("/")

# Shoppers and agents (Stripe, shopper accounts, account linking, UCP): their own module.
from config.commerce_settings import *  # noqa: E402, F403

CELERY_BEAT_SCHEDULE.update(COMMERCE_BEAT_SCHEDULE)  # noqa: F405

# The REST API: authentication (sessions, HTTP Basic, the stores' API keys) and its schema.
from config.api_settings import *  # noqa: E402, F403
