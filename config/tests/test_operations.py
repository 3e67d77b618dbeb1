"""/healthz for load balancers and /metrics for Prometheus."""

import pytest
import requests
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


ANY_ACCEPT = ["*/*", "text/html", "text/html,application/xhtml+xml,*/*;q=0.8", "image/png", "x"]


@pytest.mark.parametrize("accept", ANY_ACCEPT)
def test_healthz_answers_200_to_any_accept(client, accept):
    response = client.get("/healthz", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(response.content)) != "0"
    if accept.startswith(("*/*", "text/html")):
        assert response["Content-Type"] == "text/html; charset=utf-8"
    else:  # a type health_check cannot give, or an Accept it cannot parse
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "Database(alias='default'): OK" in response.content.decode().splitlines()


def test_healthz_answers_head_with_the_status_and_headers_of_get_and_no_body(client):
    get = client.get("/healthz")
    head = client.head("/healthz")
    assert (head.status_code, get.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers == get.headers  # Content-Length included: that of GET's body


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
@pytest.mark.parametrize("method", ["get", "head"])
@pytest.mark.parametrize("accept", ["*/*", "text/html", "application/json"])
def test_healthz_answers_500_to_any_accept_when_the_broker_is_down(client, method, accept):
    response = getattr(client, method)("/healthz", HTTP_ACCEPT=accept)
    assert response.status_code == 500
    assert (response.content == b"") is (method == "head")


def test_healthz_over_a_real_server_answers_head_and_any_accept(live_server):
    url = f"{live_server.url}/healthz"
    head = requests.head(url, timeout=10)
    assert head.status_code == 200
    assert head.content == b""
    for accept in ("*/*", "text/html"):
        get = requests.get(url, headers={"Accept": accept}, timeout=10)
        assert get.status_code == 200
        assert get.headers["Content-Type"] == "text/html; charset=utf-8"
        assert get.headers["Content-Length"] == head.headers["Content-Length"]
        assert int(get.headers["Content-Length"]) == len(get.content) > 0
    json = requests.get(url, headers={"Accept": "application/json"}, timeout=10)
    assert json.status_code == 200
    assert json.json()["Database(alias='default')"] == "OK"


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
