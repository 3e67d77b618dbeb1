"""Fixtures of the UCP tests: a test deployment (simulation secret set), a seeded store, a
platform serving its profile on loopback, and a client speaking for it."""

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from merchant.models import Store
from ucp.tests.platform import Platform, start_platform

SECRET = "test-simulation-secret"


@pytest.fixture(autouse=True)
def test_deployment(settings: Any) -> Iterator[None]:
    settings.UCP_SIMULATION_SECRET = SECRET
    settings.UCP_PLATFORM_HOSTS = []
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def platform() -> Iterator[Platform]:
    platform = start_platform()
    yield platform
    platform.server.shutdown()
    platform.server.server_close()


@pytest.fixture
def flowers(db: Any, tmp_path: Any) -> Store:
    call_command("ucp_conformance_fixtures", store="flowers", out=str(tmp_path), create_store=True)
    return Store.objects.get(slug="flowers")


class UcpClient:
    """Django's test client with the platform's UCP-Agent header on every request."""

    def __init__(self, platform: Platform, slug: str):
        self.client = Client()
        self.platform = platform
        self.root = f"/ucp/{slug}"

    def headers(self, key: str | None = None, **extra: str) -> dict[str, str]:
        headers = {"UCP-Agent": self.platform.agent_header(), **extra}
        if key:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path: str, **headers: str) -> Any:
        return self.client.get(self.root + path, headers={**self.headers(), **headers})

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        raw: bytes | None = None,
        **headers: str,
    ) -> Any:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        return self.client.post(
            self.root + path,
            data=data,
            content_type="application/json",
            headers={**self.headers(key), **headers},
        )

    def put(self, path: str, body: Any, *, key: str | None = None, raw: bytes | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body).encode()
        return self.client.put(
            self.root + path, data=data, content_type="application/json", headers=self.headers(key)
        )


@pytest.fixture
def agent(platform: Platform, flowers: Store) -> UcpClient:
    return UcpClient(platform, flowers.slug)


def roses(quantity: int = 1) -> dict[str, Any]:
    return {"line_items": [{"item": {"id": "bouquet_roses"}, "quantity": quantity}]}


def shipping_to(country: str = "US", postal_code: str = "62704", option: str = "") -> dict:
    method: dict[str, Any] = {
        "type": "shipping",
        "destinations": [
            {
                "id": "home",
                "street_address": "1 Elm St",
                "address_locality": "Springfield",
                "address_region": "IL",
                "postal_code": postal_code,
                "address_country": country,
            }
        ],
        "selected_destination_id": "home",
    }
    if option:
        method["groups"] = [{"id": "package_1", "selected_option_id": option}]
    return {"methods": [method]}


def paid(token: str = "success_token") -> dict[str, Any]:
    return {
        "payment": {
            "instruments": [
                {
                    "id": "instr_1",
                    "handler_id": "mock_payment_handler",
                    "type": "card",
                    "credential": {"type": "token", "token": token},
                }
            ]
        }
    }


def total(body: dict[str, Any], kind: str) -> int | None:
    return next((t["amount"] for t in body["totals"] if t["type"] == kind), None)


MONEY = Decimal
