"""The styled error pages (templates/403.html, 404.html, 500.html) with DEBUG off: each
answers its status, says what happened in words and offers the way back."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from merchant.models import Role
from merchant.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

STYLED = '<link rel="stylesheet" href="/static/portal/portal.css">'


def page(response) -> str:
    html = response.content.decode()
    assert STYLED in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    return html


@override_settings(DEBUG=False)
def test_permission_denied_in_the_support_console_renders_the_styled_403(client):
    editor = MembershipFactory(role=Role.CATALOG_EDITOR, user__username="cate").user
    client.force_login(editor)
    response = client.get(reverse("support:order_list"))
    assert response.status_code == 403
    html = page(response)
    assert '<p class="muted" id="status">Error 403</p>' in html
    assert "<h1>You may not open this page</h1>" in html
    assert '<p id="reason">You do not work on orders.</p>' in html
    assert "You are logged in as <strong>cate</strong>" in html
    assert f'href="{reverse("admin:index")}" id="home-link"' in html
    assert 'href="/admin/login/?next=/support/" id="login-link">Log in as someone else' in html


@override_settings(DEBUG=False)
def test_permission_denied_in_the_admin_renders_the_styled_403(client):
    owner = MembershipFactory(role=Role.OWNER).user
    client.force_login(owner)
    response = client.get(reverse("admin:merchant_store_add"))  # superusers only
    assert response.status_code == 403
    html = page(response)
    assert "<h1>You may not open this page</h1>" in html
    assert 'id="reason"' not in html  # the admin gives no reason


@override_settings(DEBUG=False)
def test_an_unknown_page_renders_the_styled_404_with_a_login_link_when_logged_out(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = page(response)
    assert '<p class="muted" id="status">Error 404</p>' in html
    assert "<h1>There is no such page</h1>" in html
    assert '<code id="path">/no/such/page/</code>' in html
    assert 'href="/admin/login/?next=/no/such/page/" id="login-link">Log in</a>' in html


@override_settings(DEBUG=False)
def test_the_404_of_a_logged_in_user_leads_home_only(client):
    client.force_login(MembershipFactory(role=Role.SUPPORT_AGENT).user)
    response = client.get(reverse("support:order_detail", args=[999999]))
    assert response.status_code == 404
    html = page(response)
    assert 'href="/admin/" id="home-link">Go to the portal\'s home</a>' in html
    assert 'id="login-link"' not in html


@override_settings(DEBUG=False, ROOT_URLCONF="merchant.tests.error_urls")
def test_a_failing_view_renders_the_styled_500():
    client = Client(raise_request_exception=False)
    response = client.get("/fail/")
    assert response.status_code == 500
    html = page(response)
    assert '<p class="muted" id="status">Error 500</p>' in html
    assert "<h1>Something went wrong on our side</h1>" in html
    assert '<a class="button" href="/" id="home-link">' in html
    assert "a bug" not in html  # no internals


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    "path", ["/console/no/such/page/", "/dashboard/no-such-store/", "/api/no/"]
)
def test_unknown_portal_pages_render_the_styled_404(client, path):
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    response = client.get(path)
    assert response.status_code == 404
    html = page(response)
    assert "<h1>There is no such page</h1>" in html
    assert f'<code id="path">{path}</code>' in html
    assert 'id="portal-header"' in html


def test_logging_out_shows_the_portals_logged_out_page(client):
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    html = page(response)
    assert "<title>Logged out · Voice store portal</title>" in html
    assert "<h1>You are logged out</h1>" in html
    assert 'href="/admin/login/" id="login-link">Log in again</a>' in html
    assert 'id="logout-form"' not in html  # nobody is logged in any more
    assert "_auth_user_id" not in client.session


def test_the_browsable_api_root_is_in_the_portals_look(client):
    client.force_login(MembershipFactory(role=Role.OWNER, user__username="olive").user)
    response = client.get(reverse("api-root"), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = page(response)
    assert '<header class="portal-header" id="portal-header">' in html
    assert '<span class="user" id="who">olive' in html
    assert "<title>Api Root · REST API · Voice store portal</title>" in html
    assert 'href="https://www.django-rest-framework.org/"' not in html  # DRF's own branding
    assert "<style>" not in html  # the CSP allows no inline style
