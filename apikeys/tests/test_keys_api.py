"""API keys on the REST API: the command, Bearer authentication, scopes per view, the key's
store only, revocation, last use, and the second factor that keys do not need."""

import base64
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from apikeys.models import ApiKeyEvent, StoreApiKey
from apikeys.services import api_key_revoke
from apikeys.tests.helpers import client_with, make_key
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import OrderEvent, OrderStatus
from orders.tests.helpers import place_order, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(slug="alpha", name="Alpha Shaves")


@pytest.fixture
def other():
    return StoreFactory(slug="beta", name="Beta Blades")


def test_the_command_prints_the_key_once_and_keeps_only_its_hash(store):
    made = make_key(store, "orders:read", "catalog:write", name="Warehouse sync")
    assert set(made) == {"key", "id", "store", "name", "scopes"}
    assert made["store"] == "alpha" and made["name"] == "Warehouse sync"
    assert made["scopes"] == ["catalog:write", "orders:read"]  # in the scopes' own order
    prefix, dot, secret = made["key"].partition(".")
    assert made["id"] == prefix and dot == "." and len(secret) == 32
    key = StoreApiKey.objects.get(prefix=prefix)
    assert key.store == store and key.created_by is None and key.revoked is False
    assert key.hashed_key.startswith("sha512$$") and secret not in key.hashed_key
    assert secret not in key.pk
    event = ApiKeyEvent.objects.get()
    assert (event.action, event.actor, event.actor_label) == (
        "created",
        None,
        "the create_api_key command",
    )
    assert event.describe() == (
        f"created the key “Warehouse sync” ({prefix}) with catalog:write, orders:read"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"store": "nowhere", "name": "x", "scopes": "orders:read"}, "No store has the slug"),
        ({"store": "alpha", "name": "x", "scopes": "orders:delete"}, "Unknown scope"),
        ({"store": "alpha", "name": "x", "scopes": ","}, "Choose at least one scope"),
        ({"store": "alpha", "name": "  ", "scopes": "orders:read"}, "Name the key"),
        ({"store": "alpha", "name": "n" * 51, "scopes": "orders:read"}, "at most 50"),
    ],
)
def test_the_command_refuses_in_words_and_makes_nothing(store, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_key", stdout=StringIO(), **options)
    assert not StoreApiKey.objects.exists() and not ApiKeyEvent.objects.exists()


def test_a_key_reads_its_stores_orders_only(store, other):
    mine, theirs = place_order(store), place_order(other)
    client = client_with(make_key(store, "orders:read"))
    listing = client.get("/api/orders/")
    assert listing.status_code == 200
    assert [o["number"] for o in listing.json()["results"]] == [mine.number]
    assert client.get(f"/api/orders/{mine.pk}/").json()["number"] == mine.number
    assert client.get(f"/api/orders/{theirs.pk}/").status_code == 404


def test_a_key_without_the_write_scope_changes_nothing(store):
    order = place_order(store)
    before = snapshot(order)
    client = client_with(make_key(store, "orders:read"))
    refused = client.post(f"/api/orders/{order.pk}/cancel/", {}, format="json")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "This API key may not do this: it needs the orders:write scope."
    }
    assert snapshot(order) == before


def test_a_key_with_the_write_scope_acts_under_its_name(store, other):
    order, theirs = place_order(store), place_order(other)
    client = client_with(make_key(store, "orders:read", "orders:write", name="Back office"))
    before = snapshot(theirs)
    assert client.post(f"/api/orders/{theirs.pk}/cancel/", {}, format="json").status_code == 404
    assert snapshot(theirs) == before
    done = client.post(f"/api/orders/{order.pk}/cancel/", {"reason": "Asked by phone"})
    assert done.status_code == 200
    assert done.json()["status"] == OrderStatus.CANCELLED
    event = OrderEvent.objects.filter(order=order).order_by("-pk").first()
    assert event is not None
    assert (event.actor, event.actor_label) == (None, "API key “Back office”")


def test_a_key_without_any_orders_scope_reads_no_orders(store):
    place_order(store)
    client = client_with(make_key(store, "catalog:read", "analytics:read"))
    refused = client.get("/api/orders/")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "This API key may not do this: it needs the orders:read scope."
    }


def test_analytics_answer_a_key_with_the_scope_for_its_store_only(store, other):
    client = client_with(make_key(store, "analytics:read"))
    query = "start=2026-01-01&end=2026-01-07"
    mine = client.get(f"/api/analytics/summary/?store=alpha&{query}")
    assert mine.status_code == 200
    assert (mine.json()["store"], mine.json()["metrics"]["orders_placed"]) == ("alpha", 0)
    assert client.get(f"/api/analytics/summary/?store=beta&{query}").status_code == 404
    series = client.get(f"/api/analytics/timeseries/?store=alpha&metric=orders_placed&{query}")
    assert series.status_code == 200 and len(series.json()["points"]) == 7
    no_scope = client_with(make_key(store, "orders:read"))
    refused = no_scope.get(f"/api/analytics/summary/?store=alpha&{query}")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "This API key may not do this: it needs the analytics:read scope."
    }


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer abcdefgh.0123456789abcdef0123456789abcdef", "Bearer a b"],
)
def test_an_unknown_key_is_refused(store, header):
    response = APIClient().get("/api/orders/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "detail" in response.json()


def test_a_revoked_key_stops_working_and_a_wrong_secret_never_works(store):
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    made = make_key(store, "orders:read")
    client = client_with(made)
    assert client.get("/api/orders/").status_code == 200
    forged = client_with(made["id"] + "." + "x" * 32).get("/api/orders/")
    assert forged.status_code == 401
    assert forged.json() == {"detail": "This API key is unknown or revoked."}
    api_key_revoke(store=store, prefix=made["id"], actor=owner)
    refused = client.get("/api/orders/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "This API key is unknown or revoked."}


def test_the_last_use_is_noted(store):
    made = make_key(store, "orders:read")
    assert StoreApiKey.objects.get(prefix=made["id"]).last_used_at is None
    before = timezone.now()
    client_with(made).get("/api/orders/")
    used = StoreApiKey.objects.get(prefix=made["id"]).last_used_at
    assert used is not None and used >= before


@override_settings(STAFF_REQUIRE_2FA=True)
def test_a_key_works_where_the_second_factor_refuses_a_password(store):
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    order = place_order(store)
    basic = base64.b64encode(f"{owner.username}:secret-pass-123".encode()).decode()
    refused = APIClient().get("/api/orders/", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert refused.status_code == 401
    assert "two-factor" in refused.json()["detail"]
    client = client_with(make_key(store, "orders:read", "orders:write"))
    assert [o["number"] for o in client.get("/api/orders/").json()["results"]] == [order.number]
    refund = client.post(
        f"/api/orders/{order.pk}/refund/",
        {"amount": "1.00", "reason": "Scratched", "reference_id": "key-refund-1"},
        format="json",
    )
    assert refund.status_code == 201, refund.content


def test_the_command_output_is_one_json_object(store):
    out = StringIO()
    options = ["--store", "alpha", "--name", "CI", "--scopes", "orders:read"]
    call_command("create_api_key", *options, stdout=out)
    assert out.getvalue().count("\n") == 1
    assert json.loads(out.getvalue())["name"] == "CI"
