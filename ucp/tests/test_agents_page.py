"""The owner's Agents page: owners only (403 for other staff, 404 for another store, nothing
changed), UCP on and off, the profile URLs, platform clients registered, rotated and revoked
(the secret shown once), the recent agent checkouts and the last error answers, recorded from
the UCP views and purged after 30 days."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import Application

from analytics.tasks import purge_old_interactions
from linking.models import StorePlatformClient
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import Order, OrderChannel, OrderStatus
from ucp.models import AgentError
from ucp.tests.conftest import paid, roses, shipping_to

pytestmark = pytest.mark.django_db


def url(store, tail=""):
    return f"/console/agents/stores/{store.pk}/{tail}"


@pytest.fixture
def owner(flowers):
    client = Client()
    client.force_login(MembershipFactory(store=flowers, role=Role.OWNER).user)
    return client


def test_the_owner_sees_the_profile_urls_and_one_store_goes_straight_to_it(flowers, owner):
    flowers.shop_domain = "shop.flowers.example"
    flowers.save()
    assert owner.get("/console/agents/").url == url(flowers)
    page = owner.get(url(flowers)).content.decode()
    assert 'value="http://testserver/ucp/flowers/.well-known/ucp"' in page
    assert 'value="http://shop.flowers.example/.well-known/ucp"' in page
    assert "On: agents can find the store and buy from it." in page
    assert "No platform registered yet." in page
    assert "No agent has placed an order yet." in page
    assert "No errors in the last 30 days." in page
    assert "ucp/agents.js" in page and "<script>" not in page  # no inline script (CSP)


def test_ucp_is_switched_off_and_on(flowers, owner):
    response = owner.post(url(flowers, "ucp/"), {"enabled": "off"})
    assert response.url == url(flowers)
    flowers.refresh_from_db()
    assert flowers.ucp_enabled is False
    assert Client().get("/ucp/flowers/.well-known/ucp").status_code == 404
    assert "Off: the store's UCP root" in owner.get(url(flowers)).content.decode()
    owner.post(url(flowers, "ucp/"), {"enabled": "on"})
    owner.post(url(flowers, "ucp/"), {"enabled": "on"})  # no change: no second entry
    flowers.refresh_from_db()
    assert flowers.ucp_enabled is True
    history = LogEntry.objects.filter(object_id=str(flowers.pk)).order_by("pk")
    owner_id = int(owner.session["_auth_user_id"])
    assert [(e.user_id, e.change_message) for e in history] == [
        (owner_id, "Switched UCP off (Agents page)."),
        (owner_id, "Switched UCP on (Agents page)."),
    ]


def test_a_client_is_registered_its_secret_shown_once_then_rotated_and_revoked(flowers, owner):
    response = owner.post(
        url(flowers, "clients/"),
        {"name": "Alexa+", "redirect_uris": "https://alexa.example/cb\n"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    client = StorePlatformClient.objects.get(store=flowers, name="Alexa+")
    secret = response.context["secret"]["client_secret"]
    page = response.content.decode()
    assert f'value="{secret}"' in page and f'value="{client.application.client_id}"' in page
    assert client.redirect_uris() == ["https://alexa.example/cb"]
    assert secret not in owner.get(url(flowers)).content.decode()  # shown once

    again = owner.post(url(flowers, "clients/"), {"name": "Alexa+"})
    assert again.status_code == 400
    assert "Alexa+ is registered already: rotate its secret below." in again.content.decode()

    rotated = owner.post(url(flowers, f"clients/{client.pk}/rotate/"))
    new_secret = rotated.context["secret"]["client_secret"]
    assert new_secret != secret
    client.refresh_from_db()
    assert client.rotated_at is not None

    revoked = owner.post(url(flowers, f"clients/{client.pk}/revoke/"))
    assert revoked.url == url(flowers) + "#clients"
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert "Revoked" in owner.get(url(flowers)).content.decode()


def test_a_bad_client_is_refused_in_words_and_nothing_is_made(flowers, owner):
    response = owner.post(url(flowers, "clients/"), {"name": "", "redirect_uris": ""})
    assert response.status_code == 400
    assert "Name the platform, for example Alexa+." in response.content.decode()
    bad = owner.post(url(flowers, "clients/"), {"name": "Agent", "redirect_uris": "ftp://x/cb"})
    assert bad.status_code == 400
    assert "is not a redirect URI" in bad.content.decode()
    assert StorePlatformClient.objects.count() == 0
    assert Application.objects.filter(name__startswith="Agent").count() == 0


@pytest.mark.parametrize("role", [Role.SUPPORT_AGENT, Role.CATALOG_EDITOR])
def test_staff_who_are_not_owners_get_403_and_change_nothing(flowers, role):
    client = Client()
    client.force_login(MembershipFactory(store=flowers, role=role).user)
    assert client.get(url(flowers)).status_code == 403
    assert client.post(url(flowers, "ucp/"), {"enabled": "off"}).status_code == 403
    assert client.post(url(flowers, "clients/"), {"name": "Alexa+"}).status_code == 403
    flowers.refresh_from_db()
    assert flowers.ucp_enabled is True
    assert StorePlatformClient.objects.count() == 0


def test_another_stores_page_and_clients_are_not_found(flowers, owner):
    other = StoreFactory()
    other_owner = Client()
    other_owner.force_login(MembershipFactory(store=other, role=Role.OWNER).user)
    owner.post(url(flowers, "clients/"), {"name": "Alexa+"})
    client = StorePlatformClient.objects.get()
    assert other_owner.get(url(flowers)).status_code == 404
    assert other_owner.post(url(flowers, "ucp/"), {"enabled": "off"}).status_code == 404
    assert other_owner.post(url(other, f"clients/{client.pk}/revoke/")).status_code == 404
    client.refresh_from_db()
    flowers.refresh_from_db()
    assert (client.revoked_at, flowers.ucp_enabled) == (None, True)


def test_agent_checkouts_and_errors_are_listed_in_words(flowers, owner, agent, platform):
    name = platform.base.removeprefix("http://")
    created = agent.post(
        "/checkout-sessions", {**roses(2), "fulfillment": shipping_to(option="std-ship")}
    ).json()
    assert agent.post(f"/checkout-sessions/{created['id']}/complete", paid()).status_code == 200
    assert agent.get("/checkout-sessions/nope").status_code == 404
    declined = agent.post(
        "/checkout-sessions", {**roses(1), "fulfillment": shipping_to(option="std-ship")}
    ).json()
    refused = agent.post(f"/checkout-sessions/{declined['id']}/complete", paid("fail_token"))
    assert refused.status_code == 402

    rows = list(AgentError.objects.values_list("operation", "status", "code", "platform"))
    assert rows == [
        ("Complete a checkout", 402, "payment_failed", name),
        ("Read a checkout", 404, "not_found", name),
    ]
    page = owner.get(url(flowers)).content.decode()
    order = Order.objects.get(store=flowers, channel=OrderChannel.AGENT, status=OrderStatus.PLACED)
    assert f"Order {order.number}" in page
    assert f"{name}, " in page
    assert "Checkout session not found." in page
    assert "Read a checkout" in page and "Complete a checkout" in page


def test_errors_of_unknown_stores_are_not_kept_and_old_ones_are_purged(flowers, agent):
    Client().get("/ucp/nobody/.well-known/ucp")
    agent.client.get("/ucp/nobody/checkout-sessions/x", headers=agent.headers())
    assert AgentError.objects.count() == 0
    old = AgentError.objects.create(
        store=flowers, operation="Read an order", status=404, code="not_found", message="x"
    )
    AgentError.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    AgentError.objects.create(
        store=flowers, operation="Read an order", status=404, code="not_found", message="y"
    )
    purge_old_interactions()
    assert list(AgentError.objects.values_list("message", flat=True)) == ["y"]
