"""Linking the web account and the Alexa user: one customer, with the voice history (orders,
refill plans, cart, wish list) moved onto the account's customer (orders.customer_merge)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.models import Customer, CustomerEvent, CustomerEventType, Order, RefillPlan
from orders.tests.factories import CustomerFactory, OrderFactory
from shoppers import services
from shoppers.models import CartLine, WishListItem

from .factories import ShopperAccountFactory

pytestmark = pytest.mark.django_db

ALEXA = "amzn1.ask.account.LINKEDUSER"


def events(customer, type_):
    return list(
        CustomerEvent.objects.filter(customer=customer, type=type_).values_list("source", "data")
    )


def cart_state(customer):
    return sorted(
        CartLine.objects.filter(cart__customer=customer).values_list("product__sku", "quantity")
    )


def wished(customer):
    return sorted(
        WishListItem.objects.filter(customer=customer).values_list("product__sku", flat=True)
    )


def plan_for(customer, product):
    return RefillPlan.objects.create(
        store=customer.store,
        customer=customer,
        product=product,
        interval_weeks=4,
        next_run_at=timezone.now() + timedelta(days=28),
    )


def test_linking_merges_the_voice_customer_into_the_account(django_capture_on_commit_callbacks):
    store = StoreFactory()
    account = ShopperAccountFactory(store=store, name="Ada")
    web = account.customer
    voice = CustomerFactory(
        store=store,
        alexa_user_id=ALEXA,
        name="Ada by voice",
        email="ada.voice@example.com",
        alexa_permissions=["alexa::profile:email:read"],
        billing_agreement_id="C01-AGREEMENT",
        billing_agreement_status="OPEN",
    )
    soap = ProductFactory(store=store, sku="SOAP")
    brush = ProductFactory(store=store, sku="BRUSH")
    comb = ProductFactory(store=store, sku="COMB")
    voice_orders = [OrderFactory(store=store, customer=voice) for _ in range(2)]
    web_order = OrderFactory(store=store, customer=web)
    plan = plan_for(voice, soap)
    services.cart_add(customer=voice, product=soap, quantity=2)
    services.cart_add(customer=voice, product=brush)
    services.cart_add(customer=web, product=soap)
    services.wishlist_add(customer=voice, product=comb)
    services.wishlist_add(customer=voice, product=brush)
    services.wishlist_add(customer=web, product=brush)
    unrelated = CustomerFactory(store=store)
    unrelated_order = OrderFactory(store=store, customer=unrelated)

    linked = services.account_attach_alexa_user(account=account, alexa_user_id=ALEXA)

    assert linked.pk == web.pk == account.customer.pk
    web.refresh_from_db()
    voice.refresh_from_db()
    assert web.alexa_user_id == ALEXA and voice.alexa_user_id.startswith("merged:")
    assert (web.billing_agreement_id, web.alexa_permissions) == (
        "C01-AGREEMENT",
        ["alexa::profile:email:read"],
    )
    # The account's own contact stays; the voice customer's fills only what was missing.
    assert (web.email, web.name) == (account.email, "Ada by voice")
    assert (voice.name, voice.email, voice.billing_agreement_id) == ("", "", "")
    assert sorted(Order.objects.filter(customer=web).values_list("pk", flat=True)) == sorted(
        [o.pk for o in voice_orders] + [web_order.pk]
    )
    assert not Order.objects.filter(customer=voice).exists()
    plan.refresh_from_db()
    assert plan.customer_id == web.pk
    assert cart_state(web) == [("BRUSH", 1), ("SOAP", 3)]
    assert cart_state(voice) == []
    assert wished(web) == ["BRUSH", "COMB"] and wished(voice) == []
    assert events(web, CustomerEventType.MERGED) == [
        ("web", {"other": voice.pk, "orders": 2, "refill_plans": 1})
    ]
    assert events(voice, CustomerEventType.MERGED) == [("web", {"into": web.pk})]
    # Nobody else's rows moved.
    unrelated_order.refresh_from_db()
    assert unrelated_order.customer_id == unrelated.pk

    # Linking again changes nothing.
    services.account_attach_alexa_user(account=account, alexa_user_id=ALEXA)
    assert CustomerEvent.objects.filter(type=CustomerEventType.MERGED).count() == 2


def test_linking_without_a_voice_history_takes_the_alexa_user_id():
    account = ShopperAccountFactory()
    customer = services.account_attach_alexa_user(account=account, alexa_user_id=ALEXA)
    customer.refresh_from_db()
    assert customer.pk == account.customer_id and customer.alexa_user_id == ALEXA
    assert events(customer, CustomerEventType.ALEXA_USER_CHANGED) == [("web", {"linked": True})]
    assert (
        orders.customer_get_or_create(store=account.store, alexa_user_id=ALEXA, locale="en-US")
        == customer
    )


def test_an_alexa_user_linked_to_another_account_moves_without_its_history():
    store = StoreFactory()
    before = ShopperAccountFactory(store=store)
    services.account_attach_alexa_user(account=before, alexa_user_id=ALEXA)
    kept = OrderFactory(store=store, customer=before.customer)
    after = ShopperAccountFactory(store=store)

    services.account_attach_alexa_user(account=after, alexa_user_id=ALEXA)

    before.customer.refresh_from_db()
    after.customer.refresh_from_db()
    assert after.customer.alexa_user_id == ALEXA
    assert before.customer.alexa_user_id.startswith("web:")
    assert list(Order.objects.filter(customer=before.customer)) == [kept]
    assert not CustomerEvent.objects.filter(type=CustomerEventType.MERGED).exists()


def test_the_same_alexa_user_at_another_store_is_another_customer():
    account = ShopperAccountFactory()
    elsewhere = CustomerFactory(alexa_user_id=ALEXA)
    OrderFactory(store=elsewhere.store, customer=elsewhere)
    services.account_attach_alexa_user(account=account, alexa_user_id=ALEXA)
    elsewhere.refresh_from_db()
    assert elsewhere.alexa_user_id == ALEXA
    assert Order.objects.filter(customer=elsewhere).count() == 1
    assert Customer.objects.filter(alexa_user_id=ALEXA).count() == 2


def test_customer_merge_refuses_two_stores_and_erased_customers():
    one = CustomerFactory()
    other_store = CustomerFactory()
    with pytest.raises(ValueError):
        orders.customer_merge(into=one, other=other_store)
    with pytest.raises(ValueError):
        orders.customer_merge(into=one, other=one)
    erased = CustomerFactory(store=one.store)
    orders.customer_erase(customer=erased)
    order = OrderFactory(store=one.store, customer=erased, total=Decimal("1.00"))
    with pytest.raises(ValueError):
        orders.customer_merge(into=one, other=erased)
    order.refresh_from_db()
    assert order.customer_id == erased.pk
