"""The orders REST API: store scoping, permissions, coded refusals, idempotent refunds."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from merchant.models import Role
from merchant.tests.factories import MembershipFactory
from orders import serializers, services
from orders.models import (
    Order,
    OrderChannel,
    OrderSource,
    OrderStatus,
    PaymentKind,
    PaymentTransaction,
)
from orders.tests.helpers import place_order, snapshot

pytestmark = pytest.mark.django_db


def api_as(store, role, can_refund=False):
    client = APIClient()
    client.force_authenticate(MembershipFactory(store=store, role=role, can_refund=can_refund).user)
    return client


def test_list_and_detail_are_scoped_to_the_staff_members_store(charge_now_store):
    from merchant.tests.factories import StoreFactory

    mine = place_order(charge_now_store)
    theirs = place_order(StoreFactory())
    client = api_as(charge_now_store, Role.SUPPORT_AGENT)
    listing = client.get("/api/orders/").json()
    assert [o["number"] for o in listing["results"]] == [mine.number]
    assert listing["results"][0]["total"] == "21.60"
    assert listing["results"][0]["payment_status"] == "captured"
    detail = client.get(f"/api/orders/{mine.pk}/").json()
    assert [line["quantity"] for line in detail["lines"]] == [2]
    assert [t["kind"] for t in detail["transactions"]] == ["authorization", "capture"]
    assert client.get(f"/api/orders/{theirs.pk}/").status_code == 404
    before = snapshot(theirs)
    assert client.post(f"/api/orders/{theirs.pk}/cancel/", {}, format="json").status_code == 404
    assert snapshot(theirs) == before


def test_list_filters_by_status_and_search(charge_now_store):
    placed = place_order(charge_now_store)
    cancelled = place_order(charge_now_store)
    services.order_cancel(order=cancelled, actor_label="test")
    client = api_as(charge_now_store, Role.OWNER)
    numbers = [o["number"] for o in client.get("/api/orders/?status=cancelled").json()["results"]]
    assert numbers == [cancelled.number]
    numbers = [o["number"] for o in client.get(f"/api/orders/?q={placed.number}").json()["results"]]
    assert numbers == [placed.number]


def test_catalog_editors_and_anonymous_users_get_nothing(charge_now_store):
    order = place_order(charge_now_store)
    editor = api_as(charge_now_store, Role.CATALOG_EDITOR)
    assert editor.get("/api/orders/").json()["results"] == []
    assert editor.get(f"/api/orders/{order.pk}/").status_code == 404
    assert APIClient().get("/api/orders/").status_code == 401


def test_refund_is_idempotent_on_the_reference_id(charge_now_store):
    order = place_order(charge_now_store)
    client = api_as(charge_now_store, Role.SUPPORT_AGENT, can_refund=True)
    body = {"amount": "5.00", "reason": "Damaged box", "reference_id": "api-refund-1"}
    first = client.post(f"/api/orders/{order.pk}/refund/", body, format="json")
    again = client.post(f"/api/orders/{order.pk}/refund/", body, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json()["reference_id"] == again.json()["reference_id"] == "api-refund-1"
    refunds = PaymentTransaction.objects.filter(order=order, kind=PaymentKind.REFUND)
    assert refunds.count() == 1
    order.refresh_from_db()
    assert order.refunded_amount + order.refund_pending_amount == Decimal("5.00")


def test_refund_needs_the_refund_permission_and_changes_nothing_without_it(charge_now_store):
    order = place_order(charge_now_store)
    before = snapshot(order)
    client = api_as(charge_now_store, Role.SUPPORT_AGENT, can_refund=False)
    body = {"amount": "5.00", "reason": "x", "reference_id": "api-refund-2"}
    assert client.post(f"/api/orders/{order.pk}/refund/", body, format="json").status_code == 403
    assert snapshot(order) == before


def test_refund_above_the_refundable_amount_is_a_coded_409(charge_now_store):
    order = place_order(charge_now_store)
    before = snapshot(order)
    client = api_as(charge_now_store, Role.OWNER)
    body = {"amount": "999.00", "reason": "x", "reference_id": "api-refund-3"}
    response = client.post(f"/api/orders/{order.pk}/refund/", body, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "amount_exceeds_refundable",
        "detail": "At most 21.60 can be refunded.",
    }
    assert snapshot(order) == before


def test_ship_then_cancel_is_refused_with_the_services_code(charge_now_store):
    order = place_order(charge_now_store)
    client = api_as(charge_now_store, Role.SUPPORT_AGENT)
    shipped = client.post(
        f"/api/orders/{order.pk}/ship/", {"carrier": "UPS", "tracking_number": "1Z9"}, format="json"
    )
    assert shipped.status_code == 200
    assert shipped.json()["status"] == OrderStatus.SHIPPED
    assert shipped.json()["carrier"] == "UPS"
    before = snapshot(order)
    refused = client.post(f"/api/orders/{order.pk}/cancel/", {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "cannot_cancel"
    assert snapshot(order) == before
    bad = client.post(f"/api/orders/{order.pk}/ship/", {}, format="json")
    assert bad.status_code == 400
    assert "carrier" in bad.json()


def test_the_openapi_schema_describes_the_order_actions(charge_now_store):
    client = api_as(charge_now_store, Role.OWNER)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/orders/{id}/refund/" in schema["paths"]
    assert "/api/orders/{id}/cancel/" in schema["paths"]


def test_orders_carry_their_channel_and_filter_by_it(charge_now_store, client):
    voice = place_order(charge_now_store)
    web = place_order(charge_now_store)
    Order.objects.filter(pk=web.pk).update(channel=OrderChannel.WEB, source=OrderSource.WEB)
    api = api_as(charge_now_store, Role.OWNER)
    listing = api.get("/api/orders/").json()["results"]
    assert {o["number"]: o["channel"] for o in listing} == {
        voice.number: "voice",
        web.number: "web",
    }
    assert [o["agent_name"] for o in listing] == ["", ""]
    numbers = [o["number"] for o in api.get("/api/orders/?channel=web").json()["results"]]
    assert numbers == [web.number]
    # The support console: a column and the same filter.
    client.force_login(MembershipFactory(store=charge_now_store, role=Role.SUPPORT_AGENT).user)
    page = client.get("/support/?channel=web").content.decode()
    assert web.number in page and voice.number not in page
    assert '<td data-label="Channel">Web</td>' in page
    # The webhook payload is the API's detail, channel included.
    assert serializers.order_detail_data(web)["channel"] == "web"
