"""Chromium on a phone: the consent form posts and the browser follows the redirect to the
client's redirect URI on another origin, which the page's CSP form-action allows; without it
Chromium refuses (the bug this guards against: form-action 'self' alone)."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from oauth2_provider.models import Grant

from linking import views

from .factories import make_alexa_client, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("http_redirects"),
]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def open_consent(new_page, live_server, store, shopper):
    """The shopper's phone on the consent page; Alexa's redirect URI is the live server
    under its other name (127.0.0.1 instead of localhost): another origin."""
    port = urlsplit(live_server.url).port
    redirect_uri = f"http://127.0.0.1:{port}/api/skill/link/M2TESTVENDOR"
    client = make_alexa_client(store, [redirect_uri])[0]
    session = Client()
    sign_in(session, shopper)
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.add_init_script(RECORD_VIOLATIONS)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client.application.client_id,
            "redirect_uri": redirect_uri,
            "scope": "profile cart orders",
            "state": "state-from-alexa",
        }
    )
    response = page.goto(f"{live_server.url}/o/authorize/?{query}")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Link Tea House with Alexa?"
    return page, redirect_uri


def test_chromium_follows_the_redirect_after_allow(new_page, live_server, store, shopper):
    page, redirect_uri = open_consent(new_page, live_server, store, shopper)

    with page.expect_navigation(url=f"{redirect_uri}?*"):
        page.click("#allow")

    landed = urlsplit(page.url)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == redirect_uri
    query = parse_qs(landed.query)
    assert query["state"] == ["state-from-alexa"]
    assert query["code"] == [Grant.objects.get().code]


def test_without_the_redirect_origin_chromium_refuses(
    new_page, live_server, store, shopper, monkeypatch
):
    monkeypatch.setattr(views, "redirect_origins", lambda client: [])
    page, redirect_uri = open_consent(new_page, live_server, store, shopper)

    page.click("#allow")
    page.wait_for_function("window.__cspViolations.length > 0")

    # Chromium names the form's own target (the redirect's is not disclosed) and stays.
    assert page.evaluate("window.__cspViolations") == [
        f"form-action {live_server.url}/o/authorize/"
    ]
    assert page.url.startswith(f"{live_server.url}/o/authorize/")
    assert not page.url.startswith(redirect_uri)
