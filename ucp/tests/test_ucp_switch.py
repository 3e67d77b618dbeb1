"""A store with UCP switched off: its whole UCP root, the profile included, answers 404 in
the spec's error shape, and nothing is written."""

import pytest
from django.test import Client

from orders.models import Order
from ucp.models import CheckoutSession
from ucp.tests.conftest import roses
from ucp.tests.schema_check import assert_error

pytestmark = pytest.mark.django_db


def test_switched_off_the_ucp_root_is_not_found_and_on_again_it_answers(flowers, agent):
    flowers.ucp_enabled = False
    flowers.save()
    orders_before = Order.objects.count()
    profile = Client().get("/ucp/flowers/.well-known/ucp")
    created = agent.post("/checkout-sessions", roses(), key="k-1")
    for response in (profile, created):
        assert response.status_code == 404
        assert_error(response.json())
        assert response.json()["messages"][0]["code"] == "not_found"
    assert CheckoutSession.objects.count() == 0
    assert Order.objects.count() == orders_before
    flowers.ucp_enabled = True
    flowers.save()
    assert Client().get("/ucp/flowers/.well-known/ucp").status_code == 200
    assert agent.post("/checkout-sessions", roses(), key="k-2").status_code == 201


def test_switched_off_the_mcp_endpoint_and_its_metadata_are_not_found_too(flowers):
    flowers.ucp_enabled = False
    flowers.save()
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    mcp = Client().post("/ucp/flowers/mcp", initialize, content_type="application/json")
    metadata = Client().get("/.well-known/oauth-protected-resource/ucp/flowers/mcp")
    assert (mcp.status_code, metadata.status_code) == (404, 404)
    flowers.ucp_enabled = True
    flowers.save()
    assert Client().get("/.well-known/oauth-protected-resource/ucp/flowers/mcp").status_code == 200
