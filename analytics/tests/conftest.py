"""A store in Los Angeles with a hand-built set of events around 10-12 November 2026 (Pacific
Standard Time, UTC-8: the store's 10 November is 08:00Z on the 10th to 08:00Z on the 11th),
and what its metrics must be. "Now" is 20 November 2026, 10:00 in Los Angeles."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from isp.facts import DirectiveName, PurchaseResult
from isp.tests.factories import PriceFactory, ProductFactory, subscription
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import Customer, OrderChannel, OrderSource, OrderStatus
from orders.tests.factories import CustomerFactory, OrderFactory

from .factories import (
    EntitlementFactory,
    InteractionFactory,
    PurchaseResultFactory,
    RefundFactory,
    launch,
    session_ended,
    utc,
)

NOW = utc(2026, 11, 20, 18, 0)
START, END = date(2026, 11, 10), date(2026, 11, 12)


@dataclass
class Events:
    store: object
    c1: Customer
    c2: Customer


def _orders(store, c1):
    def order(placed_at, total, **kwargs):
        return OrderFactory(
            store=store, customer=c1, placed_at=placed_at, total=Decimal(total), **kwargs
        )

    o1 = order(utc(2026, 11, 10, 9, 0), "10.80")  # 10 Nov, 01:00 local
    order(  # 10 Nov, placed on the web shop
        utc(2026, 11, 11, 7, 30),
        "20.00",
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        source=OrderSource.WEB,
        channel=OrderChannel.WEB,
    )
    order(
        utc(2026, 11, 12, 12, 0),
        "5.00",
        status=OrderStatus.CANCELLED,
        cancelled_at=utc(2026, 11, 12, 13, 0),
    )
    # Not in the range or not orders: carts, a test order, the local days before and after.
    order(None, "7.00", status=OrderStatus.DRAFT)
    order(None, "7.00", status=OrderStatus.ABANDONED)
    test = order(utc(2026, 11, 11, 12, 0), "99.00", is_test=True, source=OrderSource.CONSOLE)
    order(utc(2026, 11, 13, 8, 30), "50.00")  # 13 Nov, 00:30 local
    order(utc(2026, 11, 10, 7, 59), "50.00")  # 9 Nov, 23:59 local
    # Refunds: one in the range of an October order, one after the range, one still pending,
    # one of a test order.
    october = order(utc(2026, 10, 1, 12, 0), "30.00")
    RefundFactory(order=october, amount=Decimal("3.00"), at=utc(2026, 11, 11, 18, 0))
    RefundFactory(order=o1, amount=Decimal("1.00"), at=utc(2026, 11, 13, 9, 0))
    RefundFactory(order=o1, amount=Decimal("2.00"), state="pending", at=utc(2026, 11, 11, 9))
    RefundFactory(order=test, amount=Decimal("9.00"), at=utc(2026, 11, 11, 18, 0))


def _sessions(store, c1, c2, c5):
    # A: opened 9 Nov 23:50 local, goes on past midnight, ended by the shopper.
    a = {"store": store, "customer": c1, "session_id": "A"}
    launch(**a, at=utc(2026, 11, 10, 7, 50))
    InteractionFactory(**a, intent="OrderProductIntent", at=utc(2026, 11, 10, 8, 10))
    session_ended("USER_INITIATED", **a, at=utc(2026, 11, 10, 8, 12))
    # B: 10 Nov 23:55 local to 11 Nov 00:05, a fallback; no SessionEndedRequest.
    b = {"store": store, "customer": c2, "session_id": "B"}
    launch(**b, at=utc(2026, 11, 11, 7, 55))
    InteractionFactory(
        **b, intent="AMAZON.FallbackIntent", outcome="fallback", at=utc(2026, 11, 11, 8, 5)
    )
    # C: 12 Nov, the same shopper as A; Alexa gave up after the reprompts.
    c = {"store": store, "customer": c1, "session_id": "C"}
    launch(**c, at=utc(2026, 11, 12, 20, 0))
    InteractionFactory(**c, intent="AMAZON.HelpIntent", at=utc(2026, 11, 12, 20, 1))
    session_ended("EXCEEDED_MAX_REPROMPTS", **c, at=utc(2026, 11, 12, 20, 2))
    # G: a request without a known shopper.
    launch(store=store, customer=None, session_id="G", at=utc(2026, 11, 12, 21, 0))
    # Not counted: the voice test console, the days before and after, a skill event, a
    # CanFulfillIntentRequest probe.
    InteractionFactory(store=store, source="console", session_id="D", at=utc(2026, 11, 11, 12))
    launch(store=store, customer=c5, session_id="E", at=utc(2026, 11, 13, 8, 30))
    launch(store=store, customer=c5, session_id="F", at=utc(2026, 11, 10, 7, 0))
    InteractionFactory(
        store=store,
        customer=c5,
        request_type="AlexaSkillEvent.SkillEnabled",
        intent="",
        session_id="",
        at=utc(2026, 11, 11, 12),
    )
    InteractionFactory(
        store=store,
        customer=c5,
        request_type="CanFulfillIntentRequest",
        session_id="H",
        at=utc(2026, 11, 11, 12),
    )


def _isp(store, customers):
    c1, c2, c3, c4, c5 = customers
    pack = ProductFactory(store=store, listing=False)
    PriceFactory(product=pack, marketplace="amazon.com", price=Decimal("3.99"))
    club = subscription(store=store)

    def result(at, **kwargs):
        kwargs.setdefault("product", pack)
        return PurchaseResultFactory(store=store, customer=c1, at=at, **kwargs)

    result(utc(2026, 11, 10, 12), list_price=Decimal("3.99"))
    result(utc(2026, 11, 11, 12), product=club, name=DirectiveName.UPSELL)  # 2.99
    result(
        utc(2026, 11, 12, 12),
        marketplace="amazon.co.uk",
        currency="GBP",
        list_price=Decimal("1.99"),
    )
    result(utc(2026, 11, 12, 13), marketplace="", currency="", list_price=None)  # no price
    # Not purchases, or not in the range.
    result(utc(2026, 11, 11, 13), result=PurchaseResult.DECLINED)
    result(utc(2026, 11, 11, 14), name=DirectiveName.CANCEL, product=club)
    result(utc(2026, 11, 11, 15), is_test=True)
    result(utc(2026, 11, 13, 12))
    # Subscriptions held at the end of 12 November (local): c1's and c2's.
    EntitlementFactory(product=club, customer=c1, at=utc(2026, 11, 5))
    EntitlementFactory(product=club, customer=c2, at=utc(2026, 11, 12, 18))
    EntitlementFactory(product=club, customer=c3, at=utc(2026, 11, 15))  # later
    EntitlementFactory(product=club, customer=c4, entitled=False, at=utc(2026, 11, 1))
    EntitlementFactory(product=club, customer=c5, purchase_mode="TEST", at=utc(2026, 11, 1))
    EntitlementFactory(product=pack, customer=c1, at=utc(2026, 11, 1))  # not a subscription


@pytest.fixture
def events(db):
    store = StoreFactory(time_zone="America/Los_Angeles", slug="la-store")
    c1, c2, c3, c4, c5 = (CustomerFactory(store=store) for _ in range(5))
    Customer.objects.filter(pk=c1.pk).update(created_at=utc(2026, 11, 1))
    Customer.objects.filter(pk=c2.pk).update(created_at=utc(2026, 11, 11, 8))  # 11 Nov 00:00
    _orders(store, c1)
    _sessions(store, c1, c2, c5)
    _isp(store, (c1, c2, c3, c4, c5))
    return Events(store=store, c1=c1, c2=c2)


EXPECTED = {
    "orders_placed": 3,
    "gross_revenue": "35.80",
    "refunded_amount": "3.00",
    "charged_back_amount": "0.00",
    "net_revenue": "32.80",
    "average_order_value": "11.93",
    "orders_cancelled": 1,
    "orders_by_payment_mode": {
        "charge_now": {"orders_placed": 2, "gross_revenue": "15.80"},
        "pay_on_delivery": {"orders_placed": 1, "gross_revenue": "20.00"},
    },
    "orders_by_channel": {
        "voice": {"orders_placed": 2, "gross_revenue": "15.80"},
        "web": {"orders_placed": 1, "gross_revenue": "20.00"},
    },
    "sessions": 4,
    "sessions_by_end": {"skill_ended": 2, "user_ended": 1, "no_response": 1, "failed": 0},
    "unique_customers": 2,
    "new_customers": 1,
    "returning_customers": 1,
    "utterances": 3,
    "failed_utterances": 1,
    "top_intents": [
        {"intent": "AMAZON.FallbackIntent", "utterances": 1, "failed": 1},
        {"intent": "AMAZON.HelpIntent", "utterances": 1, "failed": 0},
        {"intent": "OrderProductIntent", "utterances": 1, "failed": 0},
    ],
    "isp_purchases": 4,
    "isp_test_purchases": 1,
    # (3.99 + 2.99) × 0.70 = 4.886 and 1.99 × 0.70 = 1.393, rounded once per currency.
    "estimated_isp_earnings": {"GBP": "1.39", "USD": "4.89"},
    "active_subscriptions": 2,
}
