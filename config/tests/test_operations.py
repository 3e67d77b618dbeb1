"""/healthz for load balancers and /metrics for Prometheus."""

import pytest
from django.conf import settings
from django.test import override_settings

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_answers_200_with_the_database_up_for_any_host_over_http(client):
    response = client.get("/healthz?format=json", HTTP_HOST="10.1.2.3")  # not in ALLOWED_HOSTS
    assert response.status_code == 200
    checks = response.json()
    assert checks.pop("Database(alias='default')") == "OK"
    if settings.CELERY_BROKER_URL.startswith("redis://"):  # CI: the broker is checked too
        [(broker, state)] = checks.items()
        assert broker.startswith("Redis(") and state == "OK"
    else:
        assert checks == {}
    text = client.get("/healthz", HTTP_ACCEPT="text/plain")
    assert text.status_code == 200
    assert "Database(alias='default'): OK" in text.content.decode().splitlines()


@override_settings(SECURE_SSL_REDIRECT=True, STAFF_REQUIRE_2FA=True)
def test_healthz_is_not_redirected_to_https(client):
    assert client.get("/healthz?format=json").status_code == 200
    assert client.get("/admin/").status_code == 301  # the rest is


@override_settings(METRICS_TOKEN="scrape-token")
def test_metrics_need_the_bearer_token(client):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    client.get("/healthz?format=json")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token")
    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in body
    assert "django_db_execute_total" in body


@override_settings(METRICS_TOKEN="scrape-token")
def test_metrics_count_celery_task_outcomes_by_task_name(client):
    @celery_app.task(name="config.tests.add_for_metrics")
    def add(a, b):
        return a + b

    assert add.apply(args=(1, 2)).get() == 3
    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token").content.decode()
    line = 'voicestore_celery_tasks_total{outcome="success",task="config.tests.add_for_metrics"}'
    assert line in body
    assert float(body.split(line)[1].split()[0]) >= 1.0
