"""Fixtures of the SMAPI sandbox's tests: no delay on its asynchronous work (it still answers
IN_PROGRESS to the first poll), a store in sandbox mode and its credentials."""

import json

import pytest

from merchant.tests.factories import StoreFactory
from smapi_sandbox.auth import credentials_issue


@pytest.fixture(autouse=True)
def _no_delay(settings):
    settings.SMAPI_SANDBOX_DELAY_SECONDS = 0


@pytest.fixture
def sandbox_store(db):
    return StoreFactory(slug="sandboxed", sandbox_mode=True)


@pytest.fixture
def creds(sandbox_store):
    return credentials_issue(store=sandbox_store)


@pytest.fixture
def smapi(client, creds):
    """The Django test client with the vendor's access token."""

    def call(method, path, body=None, *, bearer=True, **headers):
        token = f"Bearer {creds.access_token}" if bearer else creds.access_token
        kwargs = {"HTTP_AUTHORIZATION": token}
        kwargs.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
        if body is not None:
            kwargs["data"] = body if isinstance(body, bytes) else json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(client, method.lower())(f"/sandbox/smapi{path}", **kwargs)

    return call
