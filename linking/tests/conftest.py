import pytest

from merchant.tests.factories import StoreFactory

from .factories import ShopperAccountFactory, make_alexa_client

ALEXA_REDIRECT = "https://pitangui.amazon.com/api/skill/link/M2TESTVENDOR"


@pytest.fixture
def http_redirects(settings):
    """Redirect URIs on the test's own live server are http://."""
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    }


@pytest.fixture
def insecure_transport(monkeypatch):
    """requests-oauthlib refuses http:// token URLs unless told it is a test."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def store(db):
    return StoreFactory(name="Tea House", slug="tea-house", invocation_name="tea house")


@pytest.fixture
def other_store(db):
    return StoreFactory(name="Coffee Corner", slug="coffee-corner")


@pytest.fixture
def shopper(store):
    return ShopperAccountFactory(store=store, email="sam@example.com")


@pytest.fixture
def alexa(store):
    """The store's Alexa client (Amazon's redirect URI) and its plain secret."""
    return make_alexa_client(store, [ALEXA_REDIRECT])
