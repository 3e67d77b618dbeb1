"""A webhook endpoint's "Send a test event": a signed webhook.test event sent at once, its
outcome in words (status code and time, or the error); the secret shown once in a copyable
field."""

import re

import pytest
from django.urls import reverse

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.testing.receiver import Receiver, free_port
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def owned(client, receiver):
    store = StoreFactory(slug="nonicks")
    endpoint = WebhookEndpointFactory(store=store, url=receiver.url)
    receiver.secret = endpoint.secret
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    client.force_login(owner)
    return endpoint, owner


def send_test(client, endpoint):
    url = reverse("admin:webhooks_webhookendpoint_test", args=[endpoint.pk])
    return client.post(url, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_test_event_is_signed_delivered_and_reported_with_code_and_time(client, owned, receiver):
    endpoint, owner = owned
    response = send_test(client, endpoint)
    assert response.redirect_chain == [
        (reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]), 302)
    ]
    [said] = messages_of(response)
    assert re.fullmatch(
        rf"Delivered to {re.escape(receiver.url)}: it answered HTTP 200 in \d+ ms\.", said
    )
    [entry] = receiver.received  # verified with the endpoint's secret
    assert entry["type"] == "webhook.test"
    assert entry["id"].startswith("msg_test_")
    assert entry["payload"]["data"] == {
        "store": "nonicks",
        "endpoint_id": endpoint.pk,
        "sent_by": owner.username,
        "message": "A test event from the portal: no order or refund changed.",
    }
    # Nothing stored or retried: a test is not an event of the store.
    assert WebhookEvent.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0


def test_a_failing_answer_is_reported_with_its_status(client, owned, receiver):
    endpoint, _ = owned
    receiver.status = 503
    [said] = messages_of(send_test(client, endpoint))
    assert re.fullmatch(
        rf"Not delivered to {re.escape(receiver.url)}: it answered HTTP 503 after \d+ ms "
        r"\(HTTP 503\); a 2xx answer is a success\. It said: “\{\"ok\": true\}”\.",
        said,
    )
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0  # a test does not count against the endpoint


def test_an_unreachable_endpoint_is_reported_with_the_error(client, owned):
    endpoint, _ = owned
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        url=f"http://127.0.0.1:{free_port()}/hooks"
    )
    endpoint.refresh_from_db()
    [said] = messages_of(send_test(client, endpoint))
    assert said.startswith(f"Not delivered to {endpoint.url} after ")
    assert " ms: Could not connect: " in said


def test_another_store_and_other_roles_cannot_send(client, owned, receiver):
    endpoint, _ = owned
    theirs = WebhookEndpointFactory(url=receiver.url)
    url = reverse("admin:webhooks_webhookendpoint_test", args=[theirs.pk])
    assert client.post(url).status_code == 404
    assert (
        client.get(reverse("admin:webhooks_webhookendpoint_test", args=[endpoint.pk])).status_code
        == 405
    )
    agent = MembershipFactory(store=endpoint.store, role=Role.SUPPORT_AGENT).user
    client.force_login(agent)
    response = client.post(reverse("admin:webhooks_webhookendpoint_test", args=[endpoint.pk]))
    assert response.status_code == 404
    assert receiver.received == []


def test_the_list_action_sends_a_test_event(client, owned, receiver):
    endpoint, _ = owned
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_changelist"),
        {"action": "send_test_event", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    [said] = messages_of(response)
    assert said.startswith(f"Delivered to {receiver.url}: it answered HTTP 200 in ")
    assert len(receiver.received) == 1


def test_the_secret_is_shown_once_in_a_copyable_field(client, owned):
    endpoint, _ = owned
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    endpoint.refresh_from_db()
    page = response.content.decode()
    assert (
        f'<input type="text" class="webhook-secret" readonly value="{endpoint.secret}" '
        'aria-label="Signing secret" size="50"> '
        '<button type="button" class="copy-secret button">Copy</button>' in page
    )
    assert "portal/copy_secret.js" in page
    again = client.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret not in again.content.decode()
