"""Fixtures for the skill's tests."""

import pytest

from demo.seed import DEMO_SKILL_ID
from skill import runtime, selectors, verification
from skill.testing.envelopes import Shopper

from .alexa_api_stub import start_stub
from .isp_conversation import isp_store  # noqa: F401  (the in-skill purchasing fixture)
from .linked_shopper import linked  # noqa: F401  (a shopper with a linked web account)


@pytest.fixture(autouse=True)
def _no_alexa_apis(settings):
    """No test reaches Amazon: a call to Alexa's APIs fails as unreachable unless the test
    uses the ``alexa_api`` stub."""
    settings.ALEXA_API_HOSTS = []


@pytest.fixture(scope="session")
def _alexa_api_server():
    stub, server = start_stub()
    yield stub
    server.shutdown()


@pytest.fixture
def alexa_api(_alexa_api_server, settings, monkeypatch):
    """Alexa's APIs on a local HTTPS stub: register what a token grants in ``grants``."""
    stub = _alexa_api_server
    stub.grants.clear()
    stub.calls.clear()
    settings.ALEXA_API_HOSTS = [stub.netloc]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", stub.ca_file)
    return stub


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test starts with no process verifier (no certificate cache), no cached stores
    or catalog outlines, and leaves none: database rows do not outlive a test."""
    verification.set_verifier(None)
    runtime.clear_store_cache()
    selectors.clear_catalog_cache()
    yield
    verification.set_verifier(None)
    runtime.clear_store_cache()
    selectors.clear_catalog_cache()


@pytest.fixture
def unverified(settings):
    """Conversation tests post unsigned envelopes, as the local voice console does."""
    settings.ALEXA_VERIFY_REQUESTS = False


@pytest.fixture
def shopper(client, demo_store, unverified):
    return Shopper(client, DEMO_SKILL_ID)


@pytest.fixture
def make_shopper(client, unverified):
    def make(store_or_skill_id, **kwargs):
        skill_id = (
            store_or_skill_id
            if isinstance(store_or_skill_id, str)
            else store_or_skill_id.skill_ids.first().skill_id
        )
        return Shopper(client, skill_id, **kwargs)

    return make
