"""The project's settings and entry points: configuration from the environment."""

import subprocess
import sys

ROOT = str(__import__("pathlib").Path(__file__).resolve().parents[2])


def _run(args, **env):
    return subprocess.run(
        [sys.executable, *args],
        env={"PATH": "/usr/bin:/bin", "DEBUG": "false", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_the_portal_refuses_to_serve_without_a_secret_key_when_debug_is_off():
    for entry in ("config.wsgi", "config.asgi"):
        served = _run(["-c", f"import {entry}"], SECRET_KEY="")
        assert served.returncode != 0
        assert "SECRET_KEY must be set when DEBUG is off." in served.stderr
    deploy = _run(["manage.py", "check", "--deploy"], SECRET_KEY="")
    assert deploy.returncode != 0
    assert "(config.E001) SECRET_KEY must be set when DEBUG is off." in deploy.stderr
    assert _run(["-c", "import config.wsgi"], SECRET_KEY="k" * 50).returncode == 0


def test_tooling_runs_without_a_secret_key():
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"], SECRET_KEY="")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_database_and_broker_come_from_the_environment():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER,"
        " settings.DEBUG, settings.USE_TZ)"
    )
    base = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x"}
    default = subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, check=True
    )
    assert default.stdout.split() == [
        "django_prometheus.db.backends.sqlite3",
        "True",
        "False",
        "True",
    ]
    switched = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **base,
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert switched.stdout.split() == [
        "django_prometheus.db.backends.postgresql",
        "False",
        "False",
        "True",
    ]


# The production environment docs/deployment.md documents.
PRODUCTION_ENV = {
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "portal.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.com",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_PROXY_SSL_HEADER": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "TRUSTED_PROXY_COUNT": "1",
    "METRICS_TOKEN": "scrape-token",
    "FIELD_ENCRYPTION_KEY": "cHJvZHVjdGlvbi1maWVsZC1lbmNyeXB0aW9uLWtleTA=",
}


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    # Silenced: oauth2_provider.W006, tokens in plain text (config/commerce_settings.py says why).
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_production_settings_trust_the_load_balancer_and_require_two_factor():
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
        "django.setup(); from django.conf import settings as s;"
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.STAFF_REQUIRE_2FA, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    )
    result = _run(["-c", code], **PRODUCTION_ENV)
    assert result.stdout.strip() == (
        "('HTTP_X_FORWARDED_PROTO', 'https') True True True 5 0:15:00"
    ), result.stderr
    local = _run(["-c", code], DEBUG="true")
    assert local.stdout.strip() == "None False False False 5 0:15:00", local.stderr


def test_check_deploy_requires_the_field_encryption_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "FIELD_ENCRYPTION_KEY"}
    result = _run(["manage.py", "check", "--deploy"], **env)
    assert result.returncode != 0
    assert "(config.E002) FIELD_ENCRYPTION_KEY must be set when DEBUG is off." in result.stderr
