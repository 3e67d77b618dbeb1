"""Fixtures for the notification tests: Login with Amazon and the Proactive Events API on a
local HTTPS stand-in (``amazon_stub``); no test reaches Amazon."""

import pytest

from notifications import lwa

from .amazon_stub import TOKEN_PATH, start_stub


@pytest.fixture(scope="session")
def _amazon_server():
    stub, server = start_stub()
    yield stub
    server.shutdown()


@pytest.fixture
def amazon(_amazon_server, settings, monkeypatch):
    stub = _amazon_server
    stub.reset()
    settings.ALEXA_LWA_TOKEN_URL = stub.url + TOKEN_PATH
    settings.ALEXA_LWA_HOSTS = [stub.netloc]
    settings.ALEXA_API_HOSTS = [stub.netloc]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", stub.ca_file)
    lwa.clear()
    yield stub
    lwa.clear()


@pytest.fixture(autouse=True)
def _no_amazon(settings):
    """Without the ``amazon`` fixture nothing may reach a host."""
    settings.ALEXA_LWA_HOSTS = []
    settings.ALEXA_API_HOSTS = []
    lwa.clear()
