"""The API documentation pages (/api/docs/: Swagger UI, /api/redoc/: Redoc) answer 200 and load
only the portal's own static files (drf-spectacular-sidecar), never a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def referenced(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "api-docs",
            [
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
                "/static/merchant/api_docs/swagger_init.js",
            ],
        ),
        (
            "api-redoc",
            [
                "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
                "/static/merchant/api_docs/redoc_init.js",
            ],
        ),
    ],
)
def test_the_docs_pages_answer_and_load_only_local_static_files(client, name, expected):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    urls = referenced(html)
    for url in expected:
        assert url in urls
    static = [u for u in urls if u.startswith("/static/")]
    pages = [u for u in urls if not u.startswith("/static/")]
    assert set(pages) <= {"/admin/", "/api/docs/", "/api/redoc/", "/api/schema/"}
    for url in static:  # each one is a file the portal serves
        assert finders.find(url.removeprefix("/static/")), url
    assert "<script>" not in html and "<style" not in html and "style=" not in html
    assert 'data-schema-url="/api/schema/"' in html


def test_redoc_hands_its_styles_the_responses_nonce_and_may_start_its_search_worker(client):
    response = client.get(reverse("api-redoc"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'redoc_init.js" nonce="{nonce}"' in response.content.decode()
    assert "worker-src 'self' blob:" in policy
    assert "worker-src" not in client.get(reverse("api-docs"))["Content-Security-Policy"]


def test_the_schema_they_read_is_served(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"Voice store portal API" in response.content


def test_the_admin_home_links_the_docs(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert '<a href="/api/docs/" id="api-docs-link">API documentation</a>' in html
    assert '<a href="/api/redoc/" id="api-redoc-link">Redoc</a>' in html
