"""A hand-built shop for the dashboard tests, in Los Angeles (PST, UTC-8), and what its
dashboard must show for 16-20 November 2026 (a Monday to a Friday) compared with 11-15
November. "Now" is 20 November 2026, 10:00 in Los Angeles.

Shoppers: ``a`` (first seen 2 November), ``b`` (first seen 17 November), ``c`` (18 November),
and ``tester``, who only ever used the voice test console.

Sessions in the range (times are UTC):

* S1, b, 17 Nov 18:00: launch (welcome), order the kit (pitch), yes (summary), yes (Charge
  sent: handed to Amazon Pay); S1b, its answer in a new session: the order is placed.
* S2, a, 18 Nov 20:00: launch (offer to re-order), order "beard oil" (matched nothing),
  a fallback, then the shopper ends the session.
* S3, c, 18 Nov 21:00: launch, "tell me about Beard  Oil" (matched nothing), order the cream
  (out of stock), then Alexa gives up after the reprompts.
* S4, a, 19 Nov 20:00: launch, help, two fallbacks, stop.
* the tester's console session (left out), and S0 in the period before (a, 12 Nov).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from catalog.tests.factories import ProductFactory
from isp.facts import DirectiveName, PurchaseResult
from isp.models import (
    Arm,
    IspPurchaseAttempt,
    UpsellEvent,
    UpsellEventKind,
    UpsellExperiment,
)
from isp.tests.factories import PriceFactory, subscription
from isp.tests.factories import ProductFactory as IspProductFactory
from merchant.models import PaymentMode, Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import (
    Customer,
    OrderSource,
    OrderStatus,
    RefillPlan,
    RefillPlanEvent,
    RefillPlanStatus,
)
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
START, END = date(2026, 11, 16), date(2026, 11, 20)
RANGE = {"range": "custom", "start": "2026-11-16", "end": "2026-11-20"}


@dataclass
class Shop:
    store: object
    owner: object
    a: Customer
    b: Customer
    c: Customer
    tester: Customer
    kit: object
    cream: object
    pack: object
    club: object
    running: UpsellExperiment | None  # set once the shop's experiments are made
    ended: UpsellExperiment | None


def _customer(store, created, **kwargs):
    customer = CustomerFactory(store=store, **kwargs)
    Customer.objects.filter(pk=customer.pk).update(created_at=created)
    return customer


def _at(model, pk, at):
    model.objects.filter(pk=pk).update(created_at=at)


def build_shop() -> Shop:
    store = StoreFactory(slug="shop", name="Shave Shop", time_zone="America/Los_Angeles")
    owner = MembershipFactory(store=store, role=Role.OWNER, user__username="shop-owner").user
    a = _customer(store, utc(2026, 11, 2, 20))
    b = _customer(store, utc(2026, 11, 17, 18))
    c = _customer(store, utc(2026, 11, 18, 21))
    tester = _customer(store, utc(2026, 11, 17, 12), alexa_user_id="amzn1.ask.account.CONSOLEx")
    kit = ProductFactory(store=store, name="Starter Kit", price=Decimal("20.00"))
    cream = ProductFactory(store=store, name="Shaving Cream", stock=0)
    shop = Shop(store, owner, a, b, c, tester, kit, cream, None, None, None, None)
    _sessions(shop)
    _orders(shop)
    _refill_plans(shop)
    _isp(shop)
    return shop


def _sessions(shop):
    store, a, b, c = shop.store, shop.a, shop.b, shop.c
    kit, cream = str(shop.kit.pk), str(shop.cream.pk)

    def turn(customer, session, at, intent, outcome, **kwargs):
        return InteractionFactory(
            store=store,
            customer=customer,
            session_id=session,
            intent=intent,
            outcome=outcome,
            at=at,
            **kwargs,
        )

    # S0, the period before: a pitch declined.
    launch(store=store, customer=a, session_id="S0", outcome="welcome", at=utc(2026, 11, 12, 20))
    turn(a, "S0", utc(2026, 11, 12, 20, 1), "OrderProductIntent", "pitch", slots={"Product": kit})
    turn(a, "S0", utc(2026, 11, 12, 20, 2), "AMAZON.NoIntent", "declined_offer")
    # S1 and its answer S1b.
    launch(store=store, customer=b, session_id="S1", outcome="welcome", at=utc(2026, 11, 17, 18))
    turn(b, "S1", utc(2026, 11, 17, 18, 1), "OrderProductIntent", "pitch", slots={"Product": kit})
    turn(b, "S1", utc(2026, 11, 17, 18, 2), "AMAZON.YesIntent", "summary")
    turn(b, "S1", utc(2026, 11, 17, 18, 3), "AMAZON.YesIntent", "charge_sent")
    turn(
        b,
        "S1b",
        utc(2026, 11, 17, 18, 4),
        "",
        "order_placed",
        request_type="Connections.Response",
    )
    # S2: words that matched nothing, a fallback, the shopper ends it.
    launch(
        store=store, customer=a, session_id="S2", outcome="offer_reorder", at=utc(2026, 11, 18, 20)
    )
    turn(
        a,
        "S2",
        utc(2026, 11, 18, 20, 1),
        "OrderProductIntent",
        "clarify_product",
        slots={"Product": "beard oil"},
    )
    turn(a, "S2", utc(2026, 11, 18, 20, 2), "AMAZON.FallbackIntent", "fallback")
    session_ended(
        "USER_INITIATED", store=store, customer=a, session_id="S2", at=utc(2026, 11, 18, 20, 3)
    )
    # S3: the same words (spelled otherwise), then the cream out of stock; no response.
    launch(store=store, customer=c, session_id="S3", outcome="welcome", at=utc(2026, 11, 18, 21))
    turn(
        c,
        "S3",
        utc(2026, 11, 18, 21, 1),
        "ProductInfoIntent",
        "clarify_product",
        slots={"Product": "Beard  Oil"},
    )
    turn(
        c,
        "S3",
        utc(2026, 11, 18, 21, 2),
        "OrderProductIntent",
        "not_available",
        slots={"Product": cream},
    )
    session_ended(
        "EXCEEDED_MAX_REPROMPTS",
        store=store,
        customer=c,
        session_id="S3",
        at=utc(2026, 11, 18, 21, 3),
    )
    # S4: lost, then stop.
    launch(store=store, customer=a, session_id="S4", outcome="welcome", at=utc(2026, 11, 19, 20))
    turn(a, "S4", utc(2026, 11, 19, 20, 1), "AMAZON.HelpIntent", "help_idle")
    turn(a, "S4", utc(2026, 11, 19, 20, 2), "AMAZON.FallbackIntent", "fallback")
    turn(a, "S4", utc(2026, 11, 19, 20, 3), "AMAZON.FallbackIntent", "fallback")
    turn(a, "S4", utc(2026, 11, 19, 20, 4), "AMAZON.StopIntent", "goodbye")
    # The voice test console: left out everywhere.
    launch(
        store=store,
        customer=shop.tester,
        session_id="T",
        source="console",
        outcome="welcome",
        at=utc(2026, 11, 17, 12),
    )
    InteractionFactory(
        store=store,
        customer=shop.tester,
        session_id="T",
        source="console",
        intent="OrderProductIntent",
        outcome="clarify_product",
        slots={"Product": "console words"},
        at=utc(2026, 11, 17, 12, 1),
    )


def _orders(shop):
    store = shop.store
    o1 = OrderFactory(
        store=store, customer=shop.b, placed_at=utc(2026, 11, 17, 18, 4), total=Decimal("21.60")
    )
    OrderFactory(
        store=store,
        customer=shop.a,
        placed_at=utc(2026, 11, 19, 20),
        total=Decimal("10.00"),
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        status=OrderStatus.CANCELLED,
        cancelled_at=utc(2026, 11, 20, 17),
    )
    RefundFactory(order=o1, amount=Decimal("5.00"), at=utc(2026, 11, 19, 12))
    # A test order (left out) and an order in the period before.
    OrderFactory(
        store=store,
        customer=shop.tester,
        placed_at=utc(2026, 11, 17, 12, 2),
        total=Decimal("99.00"),
        is_test=True,
        source=OrderSource.CONSOLE,
    )
    OrderFactory(
        store=store, customer=shop.a, placed_at=utc(2026, 11, 12, 20, 5), total=Decimal("30.00")
    )


def _refill_plans(shop):
    store = shop.store

    def plan(customer, status, events):
        row = RefillPlan.objects.create(
            store=store,
            customer=customer,
            product=shop.kit,
            interval_weeks=4,
            status=status,
            next_run_at=utc(2026, 12, 15),
        )
        for type_, at in events:
            event = RefillPlanEvent.objects.create(store=store, plan=row, type=type_)
            _at(RefillPlanEvent, event.pk, at)

    plan(
        shop.a,
        RefillPlanStatus.ACTIVE,
        [("created", utc(2026, 11, 12, 21)), ("renewed", utc(2026, 11, 18, 9))],
    )
    plan(
        shop.b,
        RefillPlanStatus.PAUSED,
        [("created", utc(2026, 11, 17, 19)), ("renewal_failed", utc(2026, 11, 19, 9))],
    )
    plan(shop.tester, RefillPlanStatus.ACTIVE, [("created", utc(2026, 11, 17, 12, 3))])


def _isp(shop):
    store, a, b, c = shop.store, shop.a, shop.b, shop.c
    pack = IspProductFactory(store=store, reference_name="pro_pack", listing=False)
    PriceFactory(product=pack, marketplace="amazon.com", price=Decimal("2.99"))
    club = subscription(store=store, reference_name="shave_club", listing=False)
    PriceFactory(product=club, marketplace="amazon.com", price=Decimal("4.99"))
    shop.pack, shop.club = pack, club

    def offered(customer, at, **kwargs):
        event = UpsellEvent.objects.create(
            store=store, customer=customer, product=club, kind=UpsellEventKind.OFFERED, **kwargs
        )
        _at(UpsellEvent, event.pk, at)

    def result(customer, product, at, **kwargs):
        kwargs.setdefault("list_price", product.prices.get().price)
        return PurchaseResultFactory(
            store=store, customer=customer, product=product, at=at, **kwargs
        )

    # The ISP funnel in the range: three suggestions (and the tester's, left out), then
    # accepted, declined and error; a Buy of the pack; a test purchase (left out).
    for customer, at in [(a, utc(2026, 11, 16, 20)), (b, utc(2026, 11, 17, 18, 10))]:
        offered(customer, at)
    offered(c, utc(2026, 11, 18, 21, 10))
    offered(shop.tester, utc(2026, 11, 17, 12, 5))
    upsell = {"name": DirectiveName.UPSELL}
    result(c, club, utc(2026, 11, 18, 21, 11), **upsell)
    result(a, club, utc(2026, 11, 16, 20, 1), result=PurchaseResult.DECLINED, **upsell)
    result(b, club, utc(2026, 11, 17, 18, 11), result=PurchaseResult.ERROR, **upsell)
    result(a, pack, utc(2026, 11, 19, 20, 5))
    result(shop.tester, pack, utc(2026, 11, 17, 12, 6), is_test=True)
    # Subscriptions as observed: e since 1 November (active all along), c from 18 November,
    # a bought in October and was last seen not entitled on 19 November (ended).
    e = _customer(store, utc(2026, 11, 1))
    EntitlementFactory(product=club, customer=e, at=utc(2026, 11, 1))
    EntitlementFactory(product=club, customer=c, at=utc(2026, 11, 18, 21, 11))
    result(a, club, utc(2026, 10, 1))
    EntitlementFactory(
        product=club, customer=a, entitled=False, observed_at=utc(2026, 11, 19), at=utc(2026, 10, 1)
    )
    # Experiments on the pack, with their suggestions and purchases in October.
    shop.running = UpsellExperiment.objects.create(
        store=store,
        product=pack,
        kind="message",
        locale="en-US",
        message_a="Want ten barber secrets?",
        message_b="Shall I tell you the pro tips?",
    )
    shop.ended = UpsellExperiment.objects.create(
        store=store,
        product=club,
        kind="frequency",
        locale="en-US",
        per_session_a=1,
        per_session_b=2,
        winner=Arm.B,
        ended_at=utc(2026, 10, 30),
    )
    for experiment, arm, offers, buys in [
        (shop.running, Arm.A, 3, 1),
        (shop.running, Arm.B, 2, 1),
        (shop.ended, Arm.B, 1, 0),
    ]:
        product = experiment.product
        for n in range(offers):
            event = UpsellEvent.objects.create(
                store=store,
                customer=a,
                product=product,
                kind=UpsellEventKind.OFFERED,
                experiment=experiment,
                arm=arm,
            )
            _at(UpsellEvent, event.pk, utc(2026, 10, 20, 12, n))
            attempt = IspPurchaseAttempt.objects.create(
                store=store,
                customer=a,
                product=product,
                name=DirectiveName.UPSELL,
                locale="en-US",
                experiment=experiment,
                arm=arm,
            )
            result(
                a,
                product,
                utc(2026, 10, 20, 12, n),
                attempt=attempt,
                result=PurchaseResult.ACCEPTED if n < buys else PurchaseResult.DECLINED,
                **upsell,
            )
