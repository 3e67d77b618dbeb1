"""A customer's audit (``CustomerEvent``): every change the customer services make leaves
one row in the same transaction, with the channel and the staff user, naming what changed
but no personal value; nothing unchanged is audited; the support console's customer page
shows every step."""

import pytest
from django.db import transaction
from django.urls import reverse

from alexa.scopes import ADDRESS_SCOPE, AUTOPAY_SCOPE, EMAIL_SCOPE, NOTIFICATIONS_SCOPE
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders import services
from orders.models import Customer, CustomerEvent, RefillPlanStatus
from orders.tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"name": "Ada Shopper", "addressLine1": "1 Main St", "countryCode": "US"}
HOST = "https://api.amazonalexa.com"


def rows(customer):
    return list(
        CustomerEvent.objects.filter(customer=customer)
        .order_by("pk")
        .values_list("store_id", "type", "source", "actor_id", "data")
    )


@pytest.fixture
def store():
    return StoreFactory(name="Alpha Shaves")


def test_a_new_shopper_is_audited_once_and_a_known_one_not_again(store):
    customer = services.customer_get_or_create(store=store, alexa_user_id="u1", locale="de-DE")
    again = services.customer_get_or_create(store=store, alexa_user_id="u1", locale="de-DE")
    assert again == customer
    assert rows(customer) == [(store.pk, "created", "voice", None, {"locale": "de-DE"})]


def test_consent_is_audited_from_and_to_and_only_when_it_changes(store):
    customer = CustomerFactory(store=store, payment_consent="")
    services.customer_set_payment_consent(customer=customer, status="GRANTED")
    services.customer_set_payment_consent(customer=customer, status="GRANTED")
    staff = MembershipFactory(store=store, role=Role.SUPPORT_AGENT).user
    services.customer_set_payment_consent(
        customer=customer, status="DENIED", source="support", actor=staff
    )
    assert rows(customer) == [
        (store.pk, "payment_consent_changed", "voice", None, {"before": "", "after": "GRANTED"}),
        (
            store.pk,
            "payment_consent_changed",
            "support",
            staff.pk,
            {"before": "GRANTED", "after": "DENIED"},
        ),
    ]


def test_the_delivery_contact_is_audited_by_field_name_without_its_value(store):
    customer = CustomerFactory(store=store, email="", shipping_address={})
    services.customer_store_delivery_contact(customer=customer, address=ADDRESS, email="a@x.com")
    services.customer_store_delivery_contact(customer=customer, address=ADDRESS, email="a@x.com")
    services.customer_store_delivery_contact(
        customer=customer, address={**ADDRESS, "addressLine1": "2 Side St"}
    )
    assert rows(customer) == [
        (
            store.pk,
            "delivery_contact_stored",
            "voice",
            None,
            {"changed": ["shipping_address", "email"]},
        ),
        (store.pk, "delivery_contact_stored", "voice", None, {"changed": ["shipping_address"]}),
    ]


def test_the_billing_agreement_is_audited_with_its_status_not_its_id(store):
    customer = CustomerFactory(store=store, name="", email="", shipping_address={})
    services.customer_store_billing_agreement(
        customer=customer, agreement_id="B01-1", status="OPEN", address=ADDRESS, email="a@x.com"
    )
    services.customer_store_billing_agreement(
        customer=customer, agreement_id="B01-1", status="OPEN", address=ADDRESS, email="a@x.com"
    )
    services.customer_store_billing_agreement(
        customer=customer, agreement_id="B01-1", status="SUSPENDED", address={}
    )
    assert rows(customer) == [
        (
            store.pk,
            "billing_agreement_stored",
            "voice",
            None,
            {
                "status": "OPEN",
                "changed": [
                    "billing_agreement_id",
                    "billing_agreement_status",
                    "shipping_address",
                    "name",
                    "email",
                ],
            },
        ),
        (
            store.pk,
            "billing_agreement_stored",
            "voice",
            None,
            {"status": "SUSPENDED", "changed": ["billing_agreement_status"]},
        ),
    ]


def test_permissions_granted_and_revoked_are_audited_with_what_was_forgotten(store):
    customer = CustomerFactory(store=store, alexa_permissions=[])
    everything = [ADDRESS_SCOPE, EMAIL_SCOPE, AUTOPAY_SCOPE, NOTIFICATIONS_SCOPE]
    services.customer_set_alexa_permissions(customer=customer, scopes=everything, api_endpoint=HOST)
    customer.refresh_from_db()
    services.customer_store_delivery_contact(customer=customer, address=ADDRESS)
    services.customer_set_payment_consent(customer=customer, status="GRANTED")
    services.customer_set_alexa_permissions(customer=customer, scopes=everything, api_endpoint=HOST)
    services.customer_set_alexa_permissions(
        customer=customer, scopes=[EMAIL_SCOPE, NOTIFICATIONS_SCOPE]
    )
    permission_rows = [row for row in rows(customer) if row[1] == "permissions_changed"]
    assert permission_rows == [
        (
            store.pk,
            "permissions_changed",
            "alexa",
            None,
            {
                "granted": sorted(everything),
                "revoked": [],
                "changed": ["alexa_permissions", "alexa_api_endpoint"],
            },
        ),
        (
            store.pk,
            "permissions_changed",
            "alexa",
            None,
            {
                "granted": [],
                "revoked": sorted([ADDRESS_SCOPE, AUTOPAY_SCOPE]),
                "changed": ["alexa_permissions", "shipping_address", "payment_consent"],
            },
        ),
    ]


def test_order_notifications_offered_once_and_changed_are_audited(store):
    customer = CustomerFactory(store=store)
    services.customer_mark_order_updates_offered(customer=customer)
    services.customer_mark_order_updates_offered(customer=customer)
    services.customer_set_order_updates(customer=customer, subscribed=True, api_endpoint=HOST)
    services.customer_set_order_updates(customer=customer, subscribed=True, api_endpoint=HOST)
    services.customer_set_order_updates(customer=customer, subscribed=False)
    assert rows(customer) == [
        (store.pk, "order_updates_offered", "voice", None, {}),
        (
            store.pk,
            "order_updates_changed",
            "alexa",
            None,
            {"subscribed": True, "changed": ["order_updates_subscribed", "alexa_api_endpoint"]},
        ),
        (
            store.pk,
            "order_updates_changed",
            "alexa",
            None,
            {"subscribed": False, "changed": ["order_updates_subscribed"]},
        ),
    ]


def test_erasure_is_audited_once_and_the_audit_holds_no_personal_data(store):
    customer = CustomerFactory(store=store, email="ada@example.com", name="Ada Shopper")
    services.customer_store_billing_agreement(
        customer=customer, agreement_id="B01-7", status="OPEN", address=ADDRESS
    )
    OrderFactory(store=store, customer=customer)
    services.customer_erase(customer=customer)
    services.customer_erase(customer=Customer.objects.get(pk=customer.pk))
    assert rows(customer)[-1] == (
        store.pk,
        "erased",
        "alexa",
        None,
        {"orders": 1, "refill_plans_cancelled": 0},
    )
    assert [row[1] for row in rows(customer)] == ["billing_agreement_stored", "erased"]
    kept = repr(rows(customer))
    for personal in ("ada@example.com", "Ada Shopper", "1 Main St", "B01-7"):
        assert personal not in kept
    assert not customer.refill_plans.filter(status=RefillPlanStatus.ACTIVE).exists()


def test_the_audit_row_rolls_back_with_the_change(store):
    customer = CustomerFactory(store=store, payment_consent="")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.customer_set_payment_consent(customer=customer, status="GRANTED")
        raise RuntimeError("the caller's transaction fails")
    assert rows(customer) == []
    assert Customer.objects.get(pk=customer.pk).payment_consent == ""


def test_the_support_console_shows_every_step_of_the_customer(client, store):
    staff = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, user__username="sam").user
    customer = services.customer_get_or_create(store=store, alexa_user_id="u9", locale="en-US")
    services.customer_set_payment_consent(customer=customer, status="GRANTED")
    services.customer_store_billing_agreement(
        customer=customer, agreement_id="B01-2", status="OPEN", address={}
    )
    services.customer_set_payment_consent(
        customer=customer, status="DENIED", source="support", actor=staff
    )
    client.force_login(staff)

    page = client.get(reverse("support:customer_detail", args=[customer.pk])).content.decode()

    steps = page[page.index('<ol class="timeline" id="customer-events">') :]
    steps = steps[: steps.index("</ol>")]
    items = [" ".join(item.split()) for item in steps.split("<li>")[1:]]
    assert [item[: item.index(' · <span class="muted">')] for item in items] == [
        "<strong>First seen</strong> · The shopper, by voice",
        "<strong>Voice purchase consent changed</strong> · The shopper, by voice",
        "<strong>Amazon Pay billing agreement kept</strong> · The shopper, by voice",
        "<strong>Voice purchase consent changed</strong> · sam",
    ]
    details = [item[item.index('<div class="muted">') :] for item in items]
    assert details == [
        '<div class="muted">Locale: en-US</div></li>',
        '<div class="muted">From: not reported · To: GRANTED</div></li>',
        '<div class="muted">Agreement status: OPEN · Changed: billing agreement, agreement '
        "status</div></li>",
        '<div class="muted">From: GRANTED · To: DENIED</div></li>',
    ]
