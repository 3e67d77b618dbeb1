"""Ninety days of believable history for the demo stores, made the way real traffic makes it.

Shoppers talk to the skill through ``skill.runtime.handle_envelope`` (the same code as
``/alexa/``, with the Amazon Pay sandbox answering the directives), so the interaction log,
conversations, carts, declined payments and orders are what real sessions leave behind.
Staff work (shipping, delivering, cancelling, refunding) goes through ``orders.services``,
and in-skill purchases through ``isp.services`` (the Monetization API is not running while
the demo is seeded, so the skill itself gives the free experience). Every step happens at
its moment in the past (``time_machine``), so every timestamp is the one real traffic would
have. Idempotent: a store that already has history keeps it. Random but repeatable (a seed).
"""

import heapq
import itertools
import logging
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from catalog.models import Product
from isp import selectors as isp_selectors
from isp import services as isp_services
from isp.facts import DirectiveName, ProductType
from isp.models import InSkillProduct
from isp.monetization import IspProductState
from orders import services as orders
from orders.errors import OrderError
from orders.models import Customer, Order, OrderStatus
from skill import amazon_pay, amazon_pay_sandbox, runtime
from skill import intents as i
from skill.models import Conversation, Step
from skill.testing.envelopes import envelope, intent, launch, product_slot, session_ended

DAYS = 90
USER_PREFIX = "amzn1.ask.account.demo-history-"
UNHEARD = ["beard oil", "safety razor", "shaving brush", "aftershave balm", "razor for women"]
CARRIERS = ["UPS", "USPS", "FedEx"]
# The shoppers' names, so that the customer pages can be told apart: every pair once.
FIRST_NAMES = [
    "Ava", "Ben", "Chloe", "Daniel", "Emma", "Felix", "Grace", "Henry", "Isla", "Jack",
    "Lena", "Max", "Mia", "Noah", "Olivia", "Paul", "Ruby", "Sam", "Sophie", "Tom",
]  # fmt: skip
LAST_NAMES = [
    "Adams", "Becker", "Clarke", "Diaz", "Evans", "Fischer", "Garcia", "Hughes",
    "Ito", "Jones", "Klein", "Lewis", "Meyer", "Novak", "Owens", "Patel",
]  # fmt: skip


def shopper_identity(number: int) -> tuple[str, str]:
    """The name and email of the demo's ``number``-th shopper (from 1), distinct for every
    number: each first name meets each last name once (5 steps round 16 last names visit
    them all), then the names come round again with a number."""
    k = number - 1
    pairs = len(FIRST_NAMES) * len(LAST_NAMES)
    first = FIRST_NAMES[k % len(FIRST_NAMES)]
    turn = k % pairs // len(FIRST_NAMES)
    last = LAST_NAMES[(k % len(FIRST_NAMES) + 5 * turn) % len(LAST_NAMES)]
    again = f" {k // pairs + 1}" if k >= pairs else ""
    name = f"{first} {last}{again}"
    email = f"{first}.{last}{again.strip()}@example.com".lower()
    return name, email


@dataclass
class Summary:
    sessions: int = 0
    orders: int = 0
    purchases: int = 0
    shoppers: int = 0


class _Shopper:
    """One Alexa user talking to the store's skill, in-process."""

    def __init__(self, skill_id: str, user_id: str, locale: str):
        self.skill_id, self.user_id, self.locale = skill_id, user_id, locale
        self.session = ""
        self.last_envelope: dict = {}
        self.last_answer: dict = {}

    def post(self, env: dict) -> dict:
        self.last_envelope = env
        self.last_answer = runtime.handle_envelope(env, source="voice") or {}
        return self.last_answer

    def send(self, request) -> dict:
        env = envelope(
            request, skill_id=self.skill_id, user_id=self.user_id, session_id=self.session
        )
        return self.post(env)

    def say(self, name: str, **slots) -> dict:
        return self.send(intent(name, slots, self.locale))

    def pay(self, simulate: str | None = None) -> dict:
        env = amazon_pay_sandbox.response_envelope(
            self.last_envelope, self.last_answer, simulate=simulate
        )
        self.session = env["session"]["sessionId"]
        return self.post(env)

    def step(self, store) -> str:
        row = Conversation.objects.filter(store=store, customer__alexa_user_id=self.user_id).first()
        return row.step if row else Step.IDLE


def seed_history(store, *, days: int = DAYS, seed: int = 2019, now: datetime | None = None):
    """``days`` of sessions, orders, refunds and in-skill purchases for ``store``."""
    if Customer.objects.filter(store=store, alexa_user_id__startswith=USER_PREFIX).exists():
        return Summary()
    skill = store.skill_ids.order_by("pk").first()
    if skill is None:
        return Summary()
    rng = random.Random(f"{seed}-{store.slug}")
    now = now or timezone.now()
    history = _History(store, skill.skill_id, rng)
    for offset in range(days, 0, -1):
        day = (now - timedelta(days=offset)).replace(hour=0, minute=0, second=0, microsecond=0)
        growth = (days - offset) * 4 // max(days, 1)
        weekend = 1 if day.weekday() >= 5 else 0
        moments = sorted(
            day + timedelta(hours=rng.randint(7, 22), minutes=rng.randint(0, 59))
            for _ in range(rng.randint(1, 3) + growth + weekend)
        )
        for moment in moments:
            history.run_due(moment)
            with time_machine.travel(moment, tick=True), _quiet("isp.monetization"):
                history.session(moment)
    history.run_due(now - timedelta(hours=1))
    history.summary.shoppers = len(history.shoppers)
    return history.summary


@contextmanager
def _quiet(logger_name: str):
    """The Monetization API is not running while the demo is seeded: one warning per session
    would say so hundreds of times."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class _History:
    def __init__(self, store, skill_id: str, rng: random.Random):
        self.store, self.skill_id, self.rng = store, skill_id, rng
        self.products = list(Product.objects.filter(store=store, active=True))
        self.isp_products = list(InSkillProduct.objects.filter(store=store, purchasable=True))
        self.locales = store.locales()
        self.shoppers: list[_Shopper] = []
        self.due: list = []
        self.counter = itertools.count()
        self.summary = Summary()

    # Later work (shipping, refunds) at its own moment --------------------------------------

    def later(self, moment: datetime, action, *args) -> None:
        heapq.heappush(self.due, (moment, next(self.counter), action, args))

    def run_due(self, until: datetime) -> None:
        while self.due and self.due[0][0] <= until:
            moment, _, action, args = heapq.heappop(self.due)
            with time_machine.travel(moment, tick=True):
                try:
                    action(*args)
                except OrderError:
                    pass  # the shopper cancelled it first, or it was already refunded

    # One session ---------------------------------------------------------------------------

    def shopper(self) -> _Shopper:
        if not self.shoppers or self.rng.random() < 0.35:
            locale = self.rng.choice(self.locales) if self.rng.random() < 0.2 else self.locales[0]
            number = len(self.shoppers) + 1
            user = f"{USER_PREFIX}{number:04d}"
            self._introduce(user, locale, number)
            self.shoppers.append(_Shopper(self.skill_id, user, locale))
        return self.rng.choice(self.shoppers)

    def _introduce(self, user: str, locale: str, number: int) -> None:
        """The shopper's customer row with a name and email of their own before the first
        session (the skill keeps both; the store's sandbox email would be everyone's)."""
        customer = orders.customer_get_or_create(
            store=self.store, alexa_user_id=user, locale=locale
        )
        name, email = shopper_identity(number)
        # A demo identity, not an event of the shopper's: no service records it.
        Customer.objects.filter(pk=customer.pk).update(name=name, email=email)

    def session(self, moment: datetime) -> None:
        shopper = self.shopper()
        shopper.session = f"amzn1.echo-api.session.demo-{next(self.counter)}"
        self.summary.sessions += 1
        shopper.send(launch(shopper.locale))
        kinds = ["buy", "browse", "pitch", "unheard", "status", "content", "lost"]
        weights = [30, 14, 14, 8, 8, 18, 8] if self.products else [0, 0, 0, 0, 0, 85, 15]
        kind = self.rng.choices(kinds, weights)[0]
        getattr(self, f"_{kind}")(shopper, moment)

    def _end(self, shopper: _Shopper) -> None:
        if self.rng.random() < 0.7:
            shopper.say(i.STOP)
        else:
            shopper.send(session_ended(shopper.locale))

    def _buy(self, shopper: _Shopper, moment: datetime) -> None:
        product = self.rng.choice(self.products)
        shopper.say(i.ORDER_PRODUCT, Product=product_slot(product))
        for _ in range(8):  # follow the conversation to the order
            if amazon_pay.find_directive(shopper.last_answer):
                declined = self.rng.random() < 0.06
                shopper.pay("Declined:InvalidPaymentMethod" if declined else None)
                continue
            step = shopper.step(self.store)
            if step in (Step.OFFER_PRODUCT, Step.CONFIRM_ORDER, Step.OFFER_RESUME):
                shopper.say(i.YES)
            elif step in (Step.OFFER_REFILL, Step.OFFER_ORDER_UPDATES):
                shopper.say(i.NO)
            else:
                break
        order = (
            Order.objects.filter(customer__alexa_user_id=shopper.user_id, store=self.store)
            .exclude(status=OrderStatus.DRAFT)
            .order_by("-pk")
            .first()
        )
        if order is not None and order.placed_at and order.placed_at >= moment - timedelta(hours=1):
            self.summary.orders += 1
            self._fulfil(order, moment)

    def _fulfil(self, order: Order, moment: datetime) -> None:
        roll = self.rng.random()
        if roll < 0.05:
            self.later(moment + timedelta(hours=3), self._cancel, order.pk)
            return
        shipped = moment + timedelta(days=1, hours=self.rng.randint(1, 8))
        self.later(shipped, self._ship, order.pk)
        self.later(shipped + timedelta(days=self.rng.randint(2, 4)), self._deliver, order.pk)
        if roll > 0.93:
            self.later(shipped + timedelta(days=8), self._refund, order.pk)

    def _cancel(self, order_id: int) -> None:
        orders.order_cancel(
            order=Order.objects.get(pk=order_id), actor_label="shopper", reason="Changed my mind"
        )

    def _ship(self, order_id: int) -> None:
        orders.order_ship(
            order=Order.objects.get(pk=order_id),
            carrier=self.rng.choice(CARRIERS),
            tracking_number=f"1Z{self.rng.randint(10**9, 10**10 - 1)}",
            actor_label="warehouse",
        )

    def _deliver(self, order_id: int) -> None:
        orders.order_deliver(order=Order.objects.get(pk=order_id), actor_label="carrier")

    def _refund(self, order_id: int) -> None:
        orders.order_refund(
            order=Order.objects.get(pk=order_id),
            reason="Arrived damaged",
            actor_label="support",
        )

    def _browse(self, shopper: _Shopper, moment: datetime) -> None:
        shopper.say(i.BROWSE)
        self._end(shopper)

    def _pitch(self, shopper: _Shopper, moment: datetime) -> None:
        shopper.say(i.PRODUCT_INFO, Product=product_slot(self.rng.choice(self.products)))
        shopper.say(i.NO)
        self._end(shopper)

    def _unheard(self, shopper: _Shopper, moment: datetime) -> None:
        words = self.rng.choice(UNHEARD)
        shopper.say(i.ORDER_PRODUCT, Product=product_slot(words=words, no_match=True))
        self._end(shopper)

    def _status(self, shopper: _Shopper, moment: datetime) -> None:
        shopper.say(i.ORDER_STATUS)
        self._end(shopper)

    def _lost(self, shopper: _Shopper, moment: datetime) -> None:
        shopper.say(i.HELP)
        shopper.say(i.FALLBACK)
        if self.rng.random() < 0.5:
            shopper.say(i.FALLBACK)
        self._end(shopper)

    def _content(self, shopper: _Shopper, moment: datetime) -> None:
        for _ in range(self.rng.randint(1, 4)):
            shopper.say(i.CONTENT)
        if self.isp_products and self.rng.random() < 0.45:
            self._isp_purchase(shopper)
        self._end(shopper)

    def _isp_purchase(self, shopper: _Shopper) -> None:
        """A suggestion and Amazon's answer, as the skill records them when the Monetization
        API is reachable."""
        customer = Customer.objects.get(store=self.store, alexa_user_id=shopper.user_id)
        product = self.rng.choice(self.isp_products)
        name = DirectiveName.UPSELL if self.rng.random() < 0.7 else DirectiveName.BUY
        attempt = isp_services.purchase_attempt_start(
            customer=customer,
            product=product,
            name=name,
            locale=shopper.locale,
            session_id=shopper.session,
        )
        result = self.rng.choices(["ACCEPTED", "DECLINED", "ERROR"], [30, 62, 8])[0]
        isp_services.purchase_result_record(
            customer=customer,
            product_id=product.amazon_product_id,
            name=name,
            result=result,
            token=attempt.token,
            locale=shopper.locale,
            is_test=False,
        )
        if result == "ACCEPTED":
            self.summary.purchases += 1
            if product.type == ProductType.CONSUMABLE:
                self._observe_consumable(customer, product)

    def _observe_consumable(self, customer, product) -> None:
        count = isp_selectors.consumable_packs_recorded(customer=customer, product=product) + 1
        isp_services.entitlements_observe(
            customer=customer,
            products=[
                IspProductState(
                    product_id=product.amazon_product_id,
                    reference_name=product.reference_name,
                    type=product.type,
                    name=product.reference_name,
                    summary="",
                    entitled=True,
                    entitlement_reason="PURCHASED",
                    purchasable=True,
                    active_entitlement_count=count,
                    purchase_mode="LIVE",
                )
            ],
        )
