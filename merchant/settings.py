"""Settings for the voice-store portal.

Everything that differs between a laptop and production comes from the environment
(django-environ). With nothing set the portal runs on SQLite with Celery tasks executed
eagerly; ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and a real broker.
``.env.example`` lists every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Required when DEBUG is off: gunicorn/uvicorn refuse to start without it (merchant/wsgi.py,
# merchant/asgi.py) and `check --deploy` reports it, while tooling that never signs anything
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
    "django_filters",
    "django_celery_beat",
    "merchant",
    "catalog",
    "orders",
    "skill",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "merchant.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "merchant.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "admin:login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Voice store portal API",
    "DESCRIPTION": "Orders of the stores you work for: read, cancel, ship, refund.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

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

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="orders@voice-store.local")

# Alexa skill endpoint.
ALEXA_VERIFY_REQUESTS = env.bool("ALEXA_VERIFY_REQUESTS", default=True)
ALEXA_SKILL_ENDPOINT_URL = env.str(
    "ALEXA_SKILL_ENDPOINT_URL", default="https://voice-store.example.com/alexa/"
)

# Spoken descriptions longer than this (words at SPEAKING_RATE_WPM) do not fit one breath.
SPEAKING_RATE_WPM = 150
ONE_BREATH_SECONDS = 8.0

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
# acks_late tasks of a worker that died are redelivered after this many seconds (Redis).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
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
}
