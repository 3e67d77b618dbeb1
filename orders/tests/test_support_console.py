"""The support console: scoping, permissions, list/search/filters/paging, actions with a
confirmation step and clear errors, the refund queue, customer pages and the CSV export."""

import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.tests.factories import ProductFactory
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders import services
from orders.models import (
    Order,
    OrderEventType,
    OrderStatus,
    PaymentKind,
    PaymentTransaction,
    RefillPlanStatus,
    RefundRequestStatus,
)
from orders.tests.helpers import make_customer, place_order, snapshot

pytestmark = pytest.mark.django_db  # PostgreSQL in CI; any database locally

D = Decimal


@pytest.fixture
def store(db):
    return StoreFactory(payment_mode="charge_now")


@pytest.fixture
def agent(store):
    return MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user


@pytest.fixture
def agent_without_refunds(store):
    return MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=False).user


@pytest.fixture
def editor(store):
    return MembershipFactory(store=store, role=Role.CATALOG_EDITOR).user


@pytest.fixture
def order(store):
    return place_order(store)


def login(client, user):
    client.force_login(user)
    return client


def detail(order):
    return reverse("support:order_detail", args=[order.pk])


def action(order, name):
    return reverse("support:order_action", args=[order.pk, name])


def refund_url(order):
    return reverse("support:order_refund", args=[order.pk])


# Who reaches what -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, order):
    response = client.get(detail(order))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_another_stores_order_is_a_404_also_by_url(client, agent, order):
    other = place_order(StoreFactory())
    login(client, agent)
    before = snapshot(other)
    assert client.get(detail(other)).status_code == 404
    assert client.get(refund_url(other)).status_code == 404
    assert client.post(action(other, "cancel"), {"restock": "on"}).status_code == 404
    assert client.post(action(other, "note"), {"text": "hi"}).status_code == 404
    assert snapshot(other) == before
    listing = client.get(reverse("support:order_list")).content.decode()
    assert order.number in listing and other.number not in listing
    assert (
        client.get(reverse("support:customer_detail", args=[other.customer_id])).status_code == 404
    )


def test_catalog_editor_cannot_reach_orders(client, editor, order):
    login(client, editor)
    before = snapshot(order)
    for url in [
        reverse("support:order_list"),
        detail(order),
        refund_url(order),
        action(order, "cancel"),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(refund_url(order), {"reason": "x", "confirm": "1"}).status_code == 403
    assert snapshot(order) == before


def test_refunds_need_the_refund_permission(client, agent_without_refunds, order):
    login(client, agent_without_refunds)
    page = client.get(detail(order)).content.decode()
    assert refund_url(order) not in page
    before = snapshot(order)
    assert client.get(refund_url(order)).status_code == 403
    response = client.post(
        refund_url(order), {"amount": "1.00", "reason": "x", "key": "a" * 32, "confirm": "1"}
    )
    assert response.status_code == 403
    assert snapshot(order) == before


def test_support_agent_cannot_edit_catalog_or_store_settings(client, agent, store):
    product = ProductFactory(store=store)
    login(client, agent)
    assert client.get(f"/admin/catalog/product/{product.pk}/change/").status_code in (403, 404)
    assert client.get("/admin/catalog/product/add/").status_code == 403
    assert client.get(f"/admin/merchant/store/{store.pk}/change/").status_code in (403, 404)
    response = client.post(f"/admin/merchant/store/{store.pk}/change/", {"name": "Hacked"})
    assert response.status_code in (403, 404)
    store.refresh_from_db()
    assert store.name != "Hacked"


# The list -----------------------------------------------------------------------------------


def test_search_filters_and_keyset_pages(client, agent, store):
    ada = make_customer(store, name="Ada Lovelace", email="ada@example.com")
    product = ProductFactory(store=store, stock=None)
    orders = [place_order(store, customer=ada, product=product) for _ in range(3)]
    others = [place_order(store, product=product) for _ in range(52)]
    services.order_cancel(order=others[0])
    login(client, agent)
    url = reverse("support:order_list")

    def numbers(response):
        return [o.number for o in response.context["orders"]]

    first = client.get(url)
    assert len(numbers(first)) == 50 and first.context["count"] == 55
    second = client.get(first.context["next_url"] and url + first.context["next_url"])
    assert len(numbers(second)) == 5
    assert set(numbers(first)).isdisjoint(numbers(second))
    assert second.context["next_url"] == ""
    # An exact order number goes straight to the order.
    by_number = client.get(url, {"q": f" {orders[1].number} "})
    assert (by_number.status_code, by_number["Location"]) == (302, detail(orders[1]))
    assert sorted(numbers(client.get(url, {"q": "ADA@example.com"}))) == sorted(
        o.number for o in orders
    )
    assert len(numbers(client.get(url, {"q": "ada lov"}))) == 3
    assert numbers(client.get(url, {"status": "cancelled"})) == [others[0].number]
    assert numbers(client.get(url, {"payment_status": "voided"})) == []
    assert len(numbers(client.get(url, {"is_test": "true"}))) == 0
    assert len(numbers(client.get(url, {"is_test": "false", "store": store.pk}))) == 50
    today = orders[0].created_at.date().isoformat()
    assert client.get(url, {"created_from": today, "created_to": today}).context["count"] == 55
    assert client.get(url, {"created_to": "2000-01-01"}).context["count"] == 0


def test_a_name_is_found_by_any_part_of_it_from_three_characters(client, agent, store):
    grace = make_customer(store, name="Grace Brewster Hopper", email="grace@example.com")
    alan = make_customer(store, name="Alan Turing", email="alan@example.com")
    product = ProductFactory(store=store, stock=None)
    graces = place_order(store, customer=grace, product=product)
    alans = place_order(store, customer=alan, product=product)
    login(client, agent)
    url = reverse("support:order_list")

    def found(term):
        return [o.number for o in client.get(url, {"q": term}).context["orders"]]

    assert found("hopper") == [graces.number]  # the surname
    assert found("  brewster   HOPPER ") == [graces.number]  # spaces and case do not matter
    assert found("tur") == [alans.number]  # three characters: any part
    assert found("ur") == []  # fewer: the start of the name only
    assert found("al") == [alans.number]
    assert found("100%") == [] and found("a_a") == []  # LIKE wildcards are literal


def test_a_name_search_stays_in_the_staff_members_stores(client, agent, store):
    other = StoreFactory()
    theirs = make_customer(other, name="Grace Hopper", email="g@other.example.com")
    place_order(other, customer=theirs, product=ProductFactory(store=other, stock=None))
    login(client, agent)
    response = client.get(reverse("support:order_list"), {"q": "hopper"})
    assert list(response.context["orders"]) == []


def test_the_part_of_name_search_uses_the_trigram_index(store, postgres_only):
    """On PostgreSQL the part-of-name search can use the trigram index (the query matches
    the index expression)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orders import selectors

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO orders_customer (store_id, alexa_user_id, name, email, locale,"
            " billing_agreement_id, billing_agreement_status, payment_consent,"
            " shipping_address, created_at, updated_at)"
            " SELECT %s, 'amzn1.ask.account.T' || g, md5(g::text), '', 'en-US',"
            " '', '', '', '{}'::jsonb, now(), now() FROM generate_series(1, 20000) AS g",
            [store.pk],
        )
        cursor.execute("ANALYZE orders_customer")
    with CaptureQueriesContext(connection) as captured:
        term = hashlib.md5(b"12345").hexdigest()[8:16]  # a part of one customer's name
        list(selectors.order_search(Order.objects.all(), store_ids=[store.pk], term=term))
    customer_query = next(q["sql"] for q in captured if "orders_customer" in q["sql"])
    with connection.cursor() as cursor:
        # On this small table a sequential scan is as cheap; without it, the planner must
        # choose between the store's index (every row) and the trigram index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + customer_query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "customer_name_trgm" in plan, plan


def test_list_query_count_does_not_grow(client, agent, store, django_assert_num_queries):
    product = ProductFactory(store=store, stock=None)
    place_order(store, product=product)
    login(client, agent)
    url = reverse("support:order_list")
    client.get(url)  # warm up the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        place_order(store, product=product)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_csv_export_is_streamed_and_filtered(client, agent, store, order):
    cancelled = place_order(store)
    services.order_cancel(order=cancelled)
    login(client, agent)
    response = client.get(reverse("support:order_export"), {"status": "cancelled"})
    assert response.streaming
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("number,created_at,store,customer,email,status")
    assert len(rows) == 2 and rows[1].startswith(f"{cancelled.number},")
    assert ",cancelled," in rows[1]


# Actions -------------------------------------------------------------------------------------


def test_partial_refund_with_confirmation_step(client, agent, order):
    login(client, agent)
    page = client.get(refund_url(order)).content.decode()
    assert "Refundable maximum: $21.60" in page
    key = client.get(refund_url(order)).context["form"].initial["key"]
    too_much = client.post(refund_url(order), {"amount": "21.61", "reason": "x", "key": key})
    assert too_much.status_code == 400
    assert "At most 21.60 USD can be refunded." in too_much.content.decode()
    data = {"amount": "5.00", "reason": "Arrived late", "key": key}
    review = client.post(refund_url(order), data)
    assert review.status_code == 200 and "Confirm refund" in review.content.decode()
    assert not PaymentTransaction.objects.filter(kind=PaymentKind.REFUND).exists()
    done = client.post(refund_url(order), {**data, "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == detail(order)
    # A double submit of the same form is the same refund.
    client.post(refund_url(order), {**data, "confirm": "1"})
    refund = PaymentTransaction.objects.get(kind=PaymentKind.REFUND)
    assert (refund.amount, refund.reference_id, refund.reason) == (D("5.00"), key, "Arrived late")
    timeline = client.get(detail(order)).content.decode()
    assert "Refund pending" in timeline and agent.username in timeline


def test_refund_by_quantities_shows_the_computed_amount(client, agent, store):
    order = place_order(store, quantity=3)
    line = order.lines.get()
    login(client, agent)
    data = {"reason": "Broken", "key": "b" * 32, f"line_{line.pk}": "1"}
    review = client.post(refund_url(order), data)
    assert review.context["amount"] == D("10.80")
    too_many = client.post(refund_url(order), {**data, f"line_{line.pk}": "4"})
    assert too_many.status_code == 400
    client.post(refund_url(order), {**data, "confirm": "1"})
    line.refresh_from_db()
    assert line.refunded_quantity == 1


def test_cancel_needs_confirmation_and_explains_refusals(client, agent, order):
    login(client, agent)
    page = client.get(action(order, "cancel"))
    assert page.status_code == 200 and "Confirm: cancel order" in page.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    response = client.post(action(order, "cancel"), {"restock": "on", "reason": "Duplicate"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    again = client.post(action(order, "cancel"), {"restock": "on"})
    assert again.status_code == 400
    assert "This order is already cancelled." in again.content.decode()


def test_ship_deliver_and_note_actions(client, agent, order):
    login(client, agent)
    missing = client.post(action(order, "ship"), {"carrier": ""})
    assert missing.status_code == 400 and "This field is required." in missing.content.decode()
    assert (
        client.post(action(order, "ship"), {"carrier": "UPS", "tracking_number": "1Z"}).status_code
        == 302
    )
    assert client.post(action(order, "deliver"), {}).status_code == 302
    assert client.post(action(order, "note"), {"text": "Left at the door"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == (OrderStatus.DELIVERED, "1Z")
    cancel = client.post(action(order, "cancel"), {"restock": "on"})
    assert "Only orders that have not shipped can be cancelled" in cancel.content.decode()
    note = order.events.get(type=OrderEventType.NOTE)
    assert note.actor == agent and note.data == {"text": "Left at the door"}


def test_capture_action_for_charge_later(client, db):
    store = StoreFactory(payment_mode="charge_later")
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    order = place_order(store)
    client.force_login(owner)
    assert client.post(action(order, "capture"), {}).status_code == 302
    order.refresh_from_db()
    assert order.captured_amount == D("21.60")
    again = client.post(action(order, "capture"), {})
    assert "The payment is already captured." in again.content.decode()


def test_refund_request_queue(client, agent, order):
    request = services.refund_request_create(customer=order.customer, order=order)
    login(client, agent)
    page = client.get(reverse("support:refund_requests")).content.decode()
    assert order.number in page
    empty = client.post(
        reverse("support:refund_requests"), {"request": request.pk, "resolution": ""}
    )
    assert "Say how the request was resolved." in empty.content.decode()
    client.post(
        reverse("support:refund_requests"), {"request": request.pk, "resolution": "Refunded"}
    )
    request.refresh_from_db()
    assert (request.status, request.resolved_by) == (RefundRequestStatus.RESOLVED, agent)
    other = services.refund_request_create(
        customer=place_order(StoreFactory()).customer, order=None
    )
    assert (
        client.post(
            reverse("support:refund_requests"), {"request": other.pk, "resolution": "x"}
        ).status_code
        == 404
    )


def test_customer_page_and_plan_actions(client, agent, store):
    customer = make_customer(store, payment_consent="GRANTED")
    product = ProductFactory(store=store)
    plan = services.refill_plan_create(
        customer=customer, product=product, quantity=1, interval_weeks=4
    )
    login(client, agent)
    page = client.get(reverse("support:customer_detail", args=[customer.pk])).content.decode()
    assert customer.billing_agreement_id in page and "GRANTED" in page and product.name in page
    url = reverse("support:plan_action", args=[plan.pk, "pause"])
    assert "Confirm: pause refill plan" in client.get(url).content.decode()
    plan.refresh_from_db()
    assert plan.status == RefillPlanStatus.ACTIVE
    assert client.post(url).status_code == 302
    plan.refresh_from_db()
    assert plan.status == RefillPlanStatus.PAUSED
    assert client.post(url).status_code == 400
    assert client.post(reverse("support:plan_action", args=[plan.pk, "cancel"])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == RefillPlanStatus.CANCELLED
    assert Order.objects.filter(customer=customer).count() == 0


def _refund_messages(client, order, key):
    data = {"amount": "5.00", "reason": "Arrived late", "key": key, "confirm": "1"}
    done = client.post(refund_url(order), data, follow=True)
    assert done.status_code == 200
    return [str(message) for message in done.context["messages"]]


def test_refund_message_of_an_amazon_pay_order_names_amazon_pay(client, agent, order):
    login(client, agent)
    assert _refund_messages(client, order, "a" * 32) == [
        "Refund pending: $5.00; Amazon Pay completes it shortly."
    ]


def test_refund_message_of_a_pay_on_delivery_order_does_not_name_amazon_pay(client, db):
    # Bug: the console said "Refund sent to Amazon Pay" for cash paid on delivery.
    store = StoreFactory(payment_mode="pay_on_delivery")
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user
    order = place_order(store)
    services.order_mark_collected(order=order)
    login(client, agent)
    assert _refund_messages(client, order, "p" * 32) == [
        "Refund completed: $5.00; give the money back to the shopper directly."
    ]
    refund = PaymentTransaction.objects.get(order=order, kind=PaymentKind.REFUND)
    assert (refund.amount, refund.state, refund.gateway) == (D("5.00"), "succeeded", "manual")


def test_out_for_delivery_between_shipped_and_delivered(client, agent, order):
    login(client, agent)
    assert "Mark out for delivery" not in client.get(detail(order)).content.decode()
    client.post(action(order, "ship"), {"carrier": "UPS", "expected_arrival": "2030-05-17"})
    page = client.get(detail(order)).content.decode()
    assert "Mark out for delivery" in page
    assert client.post(action(order, "out_for_delivery"), {}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED and order.out_for_delivery_at is not None
    assert str(order.expected_arrival) == "2030-05-17"
    assert "Mark out for delivery" not in client.get(detail(order)).content.decode()
    again = client.post(action(order, "out_for_delivery"), {})
    assert again.status_code != 302
    assert [e.type for e in order.events.all()][-2:] == [
        OrderEventType.SHIPPED,
        OrderEventType.OUT_FOR_DELIVERY,
    ]
    assert order.events.get(type=OrderEventType.OUT_FOR_DELIVERY).actor == agent
