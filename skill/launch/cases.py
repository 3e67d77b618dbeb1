"""The certification cases: the 2019 guide's rows for skills that sell with Amazon Pay (and
the order rows every shop needs) and for skills with in-skill purchasing, each played as a
conversation by a fresh test shopper (``dialogue.Dialogue``).

A case checks expectations in words (``Expect``): ``check`` notes one and goes on,
``require`` stops the case when the rest of the conversation depends on it. What is
expected comes from the store's own data (its name, products, prices, in-skill products and
content), the Alexa protocol (directives, cards, sessions) and the database (the order was
placed, cancelled, the refund request recorded), not from the skill's sentences, so a
change of wording never fails a case while a skill that says the wrong thing does.

``plan_cases(store)`` decides which rows apply to the store: Amazon Pay rows for stores
using Amazon Pay, an order paid on delivery for the others, order rows only when there is
something to order, ISP rows for stores with in-skill products (played only in ISP sandbox
mode, where the portal's sandbox can play Amazon).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from catalog.models import Product
from isp.facts import LOCALE_MARKETPLACE, ProductType
from isp.models import (
    ContentAccess,
    ContentCollection,
    ContentItem,
    InSkillProduct,
    SandboxEntitlement,
)
from isp.sandbox import state_of
from isp.selectors import store_in_isp_sandbox, upsell_settings
from isp.texts import price_mentions
from merchant.models import PaymentMode, Store
from orders.models import OrderStatus
from skill import intents as i
from skill import speech
from skill.console.matcher import Matcher
from skill.package import PackageInvalid, build_skill_package

from . import selectors
from .dialogue import Answer, Dialogue

AMAZON_PAY, ORDERS, ISP = "Amazon Pay", "Orders", "In-skill purchasing"
PERMISSION_SCOPE = "payments:autopay_consent"
# Content asked for before a suggestion must have come: the collection's items, plus these.
EXTRA_CONTENT_TURNS = 3


class Stop(Exception):
    """A required expectation failed: the rest of the case cannot be played."""


class CannotRun(Exception):
    """No case can be played for the store (the reason is for the owner)."""


@dataclass
class Expect:
    """The expectations of one case, each in words, with what happened instead."""

    items: list[dict] = field(default_factory=list)

    def check(self, ok, text: str, got: str = "") -> bool:
        self.items.append({"text": text, "passed": bool(ok), "got": "" if ok else got})
        return bool(ok)

    def require(self, ok, text: str, got: str = "") -> None:
        if not self.check(ok, text, got):
            raise Stop(text)

    def failures(self) -> list[str]:
        return [
            f"{item['text']}: {item['got']}" if item["got"] else item["text"]
            for item in self.items
            if not item["passed"]
        ]


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    row: str  # what certification asks, after the 2019 guide
    group: str
    play: Callable[["Plan", Dialogue, Expect], None]
    consent: str = "GRANTED"  # the Amazon Pay permission the test shopper has granted
    skipped: str = ""  # why the case cannot be played for this store ("" when it can)


@dataclass
class Plan:
    """What the cases need to know about the store, read once per run."""

    store: Store
    locale: str
    skill_id: str
    matcher: Matcher
    goods: Product | None = None
    goods_words: str = ""  # how the shopper names it (a value of the exported model)
    isp_products: list[tuple[InSkillProduct, str]] = field(default_factory=list)
    collections: list[tuple[ContentCollection, str]] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows that do not apply, and why

    def money(self, amount) -> str:
        return speech.money(amount, self.store.currency, self.locale)

    def product_name(self, product: InSkillProduct) -> str:
        return product.name(self.locale)

    def first_isp(self, *types: str) -> tuple[InSkillProduct, str] | None:
        return next(((p, w) for p, w in self.isp_products if p.type in types), None)


# Reading what happened --------------------------------------------------------------------


def heard(answer: Answer | None) -> str:
    """The answer as a tester notes it."""
    if answer is None:
        return "Alexa did not answer"
    said = f'Alexa said "{answer.speech}"' if answer.speech else "Alexa said nothing"
    names = [d.get("name") or d.get("type") for d in answer.directives]
    if names:
        said += f" and sent {', '.join(names)}"
    return f"{said}; the session {'stays open' if answer.session_open else 'ends'}"


def contains(text: str, phrase: str) -> bool:
    return " ".join(phrase.lower().split()) in " ".join(text.lower().split())


def say(
    plan: Plan, d: Dialogue, x: Expect, text: str, intent: str, *, ask=False, note=False
) -> Answer:
    """The shopper's words, which the store's interaction model must send to ``intent``
    (noted as an expectation when ``note``, else only when it does not)."""
    answer = d.ask(text) if ask else d.say(text)
    understood = d.understood.intent
    if note or understood != intent:
        x.require(
            understood == intent,
            f'The interaction model sends "{text}" to {intent}',
            f"it matched {understood}" if understood else "it opened the skill",
        )
    return answer


def open_skill(plan: Plan, d: Dialogue, x: Expect) -> Answer:
    answer = d.open()
    x.require(
        answer.speech and answer.session_open,
        f'"open {plan.matcher.invocation_name}" opens the skill, which greets the shopper and '
        "waits for an answer",
        heard(answer),
    )
    return answer


def place_order(plan: Plan, d: Dialogue, x: Expect, *, details: bool = False):
    """Open the skill, order the plan's product and pay for it (Amazon Pay sandbox or on
    delivery). Returns the placed order."""
    store, words = plan.store, plan.goods_words
    open_skill(plan, d, x)
    pitch = say(plan, d, x, f"order a {words}", i.ORDER_PRODUCT)
    x.require(
        pitch.session_open and contains(pitch.speech, plan.goods.spoken_name),
        f"Asking for a {words} pitches it and asks whether to order it",
        heard(pitch),
    )
    answer = say(plan, d, x, "yes", i.YES)
    if store.uses_amazon_pay:
        x.require(
            answer.pay_directive("Setup"),
            "Yes sends Amazon Pay's Setup (the shopper's billing agreement and address)",
            heard(answer),
        )
        answer = d.amazon_pay()
    summary = answer
    x.require(
        summary.session_open and summary.speech and not summary.pay_directive(),
        "The skill reads the order summary and asks whether to complete the order",
        heard(summary),
    )
    cart = selectors.shopper_latest_order(store=store, alexa_user_id=d.user_id)
    if details and cart is not None:
        destination = cart.shipping_address or cart.customer.shipping_address or {}
        address = destination.get("addressLine1", "")
        x.check(
            contains(summary.speech, store.name),
            f"Before ordering, the summary names the seller of record ({store.name})",
            heard(summary),
        )
        x.check(
            contains(summary.speech, plan.goods.spoken_name),
            f"The summary names the product ({plan.goods.spoken_name})",
            heard(summary),
        )
        x.check(
            contains(summary.speech, plan.money(cart.total)),
            f"The summary gives the total with tax and shipping ({plan.money(cart.total)})",
            heard(summary),
        )
        x.check(
            address and contains(summary.speech, address),
            f"The summary gives the delivery address ({address or 'none known'})",
            heard(summary),
        )
    answer = say(plan, d, x, "yes", i.YES)
    if store.uses_amazon_pay:
        x.require(
            answer.pay_directive("Charge"),
            "Yes to the summary sends Amazon Pay's Charge",
            heard(answer),
        )
        answer = d.amazon_pay()
    order = selectors.shopper_latest_order(store=store, alexa_user_id=d.user_id)
    x.require(
        order is not None and order.status == OrderStatus.PLACED,
        "The order is placed (a test order)",
        f"the order is {order.get_status_display().lower() if order else 'missing'}; "
        + heard(answer),
    )
    if details:
        x.check(
            contains(answer.speech, plan.money(order.total)),
            f"Alexa confirms the order and the amount ({plan.money(order.total)}) by voice",
            heard(answer),
        )
        card = answer.card or {}
        x.check(
            order.number in (card.get("content") or card.get("text") or ""),
            f"An order confirmation card with the order number ({order.number}) goes to the "
            "Alexa app",
            f"the card is {card or 'missing'}",
        )
        x.check(order.is_test, "The order is marked as a test order", "it is a live order")
    return order


# Amazon Pay and order rows -------------------------------------------------------------------


def amazon_pay_order(plan: Plan, d: Dialogue, x: Expect) -> None:
    order = place_order(plan, d, x, details=True)
    x.check(
        order.captured_amount > 0 or order.authorized_amount > 0,
        "Amazon Pay took the payment (captured, or authorized to capture on shipping)",
        f"payment {order.get_payment_status_display().lower()}",
    )


def pay_on_delivery_order(plan: Plan, d: Dialogue, x: Expect) -> None:
    order = place_order(plan, d, x, details=True)
    x.check(
        not any(turn["directives"] for turn in d.transcript),
        "No Amazon Pay request is sent: the shopper pays on delivery",
        "a directive was sent",
    )
    x.check(
        order.payment_mode == PaymentMode.PAY_ON_DELIVERY,
        "The order is to be paid on delivery",
        f"its payment mode is {order.payment_mode}",
    )


def declined_payment(plan: Plan, d: Dialogue, x: Expect) -> None:
    store = plan.store
    open_skill(plan, d, x)
    say(plan, d, x, f"order a {plan.goods_words}", i.ORDER_PRODUCT)
    answer = say(plan, d, x, "yes", i.YES)
    x.require(answer.pay_directive("Setup"), "Yes sends Amazon Pay's Setup", heard(answer))
    d.amazon_pay()
    answer = say(plan, d, x, "yes", i.YES)
    x.require(answer.pay_directive("Charge"), "Yes to the summary sends the Charge", heard(answer))
    declined = d.amazon_pay(simulate="Declined:InvalidPaymentMethod")
    cart = selectors.shopper_latest_order(store=store, alexa_user_id=d.user_id)
    x.check(
        cart is not None and cart.status == OrderStatus.DRAFT and not cart.captured_amount,
        "The declined payment places no order and charges nothing",
        f"the order is {cart.get_status_display().lower() if cart else 'missing'}",
    )
    x.check(
        declined.speech
        and "invalidpaymentmethod" not in declined.speech.lower()
        and not any(word in declined.speech.lower() for word in ("declin", "abgelehnt")),
        "The skill does not repeat the decline (Amazon Pay has already told the shopper) and "
        "says the order was not placed",
        heard(declined),
    )
    x.check(
        declined.session_open,
        "The conversation goes on with a question: the shopper can try again",
        heard(declined),
    )
    again = open_skill(plan, d, x)
    x.require(
        contains(again.speech, plan.goods.spoken_name),
        "Opening the skill again offers to continue the unfinished order",
        heard(again),
    )
    answer = say(plan, d, x, "yes", i.YES)
    if answer.pay_directive("Setup"):
        answer = d.amazon_pay()
    x.require(
        answer.session_open and not answer.pay_directive(),
        "Continuing reads the order summary again",
        heard(answer),
    )
    answer = say(plan, d, x, "yes", i.YES)
    x.require(answer.pay_directive("Charge"), "Yes sends the Charge again", heard(answer))
    paid = d.amazon_pay()
    placed = selectors.shopper_placed_orders(store=store, alexa_user_id=d.user_id)
    x.check(
        placed == 1,
        "Trying again places the order, once",
        f"{placed} orders were placed; " + heard(paid),
    )


def permission_not_granted(plan: Plan, d: Dialogue, x: Expect) -> None:
    open_skill(plan, d, x)
    say(plan, d, x, f"order a {plan.goods_words}", i.ORDER_PRODUCT)
    answer = say(plan, d, x, "yes", i.YES)
    x.check(
        not answer.pay_directive(),
        "Without the shopper's permission no Amazon Pay request is sent",
        heard(answer),
    )
    card = answer.card or {}
    x.check(
        card.get("type") == "AskForPermissionsConsent"
        and PERMISSION_SCOPE in (card.get("permissions") or []),
        f"A permissions card asking for {PERMISSION_SCOPE} goes to the Alexa app",
        f"the card is {card or 'missing'}",
    )
    x.check(
        answer.speech,
        "The skill tells the shopper how to turn on Amazon Pay and voice purchasing",
        heard(answer),
    )
    placed = selectors.shopper_placed_orders(store=plan.store, alexa_user_id=d.user_id)
    x.check(placed == 0, "Nothing is ordered", f"{placed} order(s) were placed")


def help_and_stop(plan: Plan, d: Dialogue, x: Expect) -> None:
    open_skill(plan, d, x)
    answer = say(plan, d, x, "help", i.HELP)
    x.check(
        answer.speech and answer.session_open,
        "Help says what the shopper can do and waits for an answer",
        heard(answer),
    )
    answer = say(plan, d, x, "stop", i.STOP)
    x.check(
        answer.speech and not answer.session_open,
        "Stop says goodbye and ends the session",
        heard(answer),
    )
    open_skill(plan, d, x)
    answer = say(plan, d, x, "cancel", i.CANCEL)
    x.check(
        answer.speech and not answer.session_open,
        "Cancel says goodbye and ends the session",
        heard(answer),
    )


def order_status(plan: Plan, d: Dialogue, x: Expect) -> None:
    order = place_order(plan, d, x)
    answer = say(plan, d, x, "where is my order", i.ORDER_STATUS, ask=True)
    x.check(
        contains(answer.speech, order.number),
        f"Where is my order tells the shopper about their order ({order.number})",
        heard(answer),
    )


def cancel_order(plan: Plan, d: Dialogue, x: Expect) -> None:
    order = place_order(plan, d, x)
    answer = say(plan, d, x, "cancel my order", i.CANCEL_ORDER, ask=True)
    x.require(
        contains(answer.speech, order.number) and answer.session_open,
        f"Cancel my order names the order ({order.number}) and asks to confirm",
        heard(answer),
    )
    answer = say(plan, d, x, "yes", i.YES)
    order.refresh_from_db()
    x.check(
        order.status == OrderStatus.CANCELLED,
        "Yes cancels the order",
        f"the order is {order.get_status_display().lower()}",
    )
    x.check(
        contains(answer.speech, order.number),
        "The skill confirms that the order is cancelled",
        heard(answer),
    )
    if order.captured_amount:
        x.check(
            contains(answer.speech, plan.money(order.captured_amount)),
            f"The skill says what happens to the {plan.money(order.captured_amount)} paid",
            heard(answer),
        )


def refund_guidance(plan: Plan, d: Dialogue, x: Expect) -> None:
    store = plan.store
    place_order(plan, d, x)
    answer = say(plan, d, x, "I want a refund", i.REFUND, ask=True)
    contact = store.support_phone or store.support_email or store.support_url
    x.check(answer.speech, "The skill tells the shopper how to get a refund", heard(answer))
    if contact:
        x.check(
            contains(answer.speech, contact),
            f"The skill says how to reach the store ({contact})",
            heard(answer),
        )
    x.check(answer.card, "The details go to the Alexa app (a card)", "no card was sent")
    requests = selectors.shopper_refund_requests(store=store, alexa_user_id=d.user_id)
    x.check(
        requests == 1,
        "Support is told: a refund request is in the support queue",
        f"{requests} refund request(s) were recorded",
    )


# In-skill purchasing rows ------------------------------------------------------------------


def _items(store, locale: str) -> list[tuple[ContentItem, str]]:
    items = ContentItem.objects.filter(
        store=store, active=True, collection__active=True
    ).prefetch_related("localizations")
    return [(item, item.text_for(locale)) for item in items]


def free_texts(plan: Plan) -> list[str]:
    items = _items(plan.store, plan.locale)
    return [text for item, text in items if item.access == ContentAccess.FREE]


def opened_texts(plan: Plan, product: InSkillProduct) -> list[str]:
    """What buying ``product`` opens (the content the skill should deliver at once)."""
    opened = []
    for item, text in _items(plan.store, plan.locale):
        if product.type == ProductType.SUBSCRIPTION:
            if item.access in (ContentAccess.SUBSCRIPTION, ContentAccess.ONE_TIME):
                opened.append(text)
        elif item.product_id == product.pk:
            opened.append(text)
    return opened


def says_one_of(answer: Answer, texts: list[str]) -> bool:
    return any(contains(answer.speech, text) for text in texts)


def what_can_i_buy(plan: Plan, d: Dialogue, x: Expect) -> None:
    open_skill(plan, d, x)
    answer = say(plan, d, x, "what can I buy", i.WHAT_CAN_I_BUY, note=True)
    names = [plan.product_name(product) for product, _ in plan.isp_products]
    missing = [name for name in names if not contains(answer.speech, name)]
    x.check(
        not missing,
        f"Alexa names every product for sale ({', '.join(names)})",
        f"not said: {', '.join(missing)}; " + heard(answer),
    )
    x.check(answer.session_open, "The skill waits for the shopper's choice", heard(answer))


def reach_suggestion(plan: Plan, d: Dialogue, x: Expect) -> dict:
    """Ask for content until the skill suggests a product; returns its Upsell directive."""
    open_skill(plan, d, x)
    turns = len(_items(plan.store, plan.locale)) + EXTRA_CONTENT_TURNS
    answer = None
    for _collection, words in plan.collections:
        answer = say(plan, d, x, f"play {words}", i.CONTENT)
        for _ in range(turns):
            if answer.isp_directive() or not answer.session_open:
                break
            answer = say(plan, d, x, "another one", i.CONTENT)
        if answer.isp_directive():
            break
    directive = answer.isp_directive("Upsell") if answer else None
    x.require(
        directive,
        "After the free content, the skill suggests a product (an Upsell directive)",
        heard(answer),
    )
    return directive


def suggestion_without_price(plan: Plan, d: Dialogue, x: Expect) -> None:
    directive = reach_suggestion(plan, d, x)
    payload = directive.get("payload") or {}
    message = " ".join(str(payload.get("upsellMessage") or "").split())
    product = next(
        (
            p
            for p, _ in plan.isp_products
            if p.amazon_product_id == (payload.get("InSkillProduct") or {}).get("productId")
        ),
        None,
    )
    x.require(product, "The suggestion is for a product on sale", f"it names {payload}")
    name = plan.product_name(product)
    texts = product.texts(plan.locale)
    prompt = texts.purchase_prompt if texts else ""
    x.check(
        contains(message, name),
        f"The suggestion says what the shopper would buy (the {name})",
        f'it says "{message}"',
    )
    x.check(
        message.rstrip().endswith("?"),
        "The suggestion ends in a yes/no question",
        f'it says "{message}"',
    )
    prices = price_mentions(message)
    x.check(
        not prices,
        "The suggestion names no price (Amazon states it)",
        f"it mentions {', '.join(prices)}",
    )
    x.check(
        not prompt or " ".join(prompt.split()) != message,
        "The suggestion differs from the purchase prompt Amazon reads next",
        "they are the same",
    )
    x.check(
        not d.last.speech,
        "The skill leaves the suggestion to Alexa (no speech of its own with the directive)",
        heard(d.last),
    )


def decline_suggestion(plan: Plan, d: Dialogue, x: Expect) -> None:
    reach_suggestion(plan, d, x)
    answer = d.purchase("decline")
    free = free_texts(plan)
    x.check(
        not answer.isp_directive(),
        "After the shopper says no, the skill does not start a purchase",
        heard(answer),
    )
    x.check(
        answer.session_open and says_one_of(answer, free),
        "The free content goes on",
        heard(answer),
    )
    answer = say(plan, d, x, "yes", i.YES)
    x.check(
        not answer.isp_directive() and says_one_of(answer, free),
        "Asking for more gives free content, not the declined suggestion again",
        heard(answer),
    )


def buy(plan: Plan, d: Dialogue, x: Expect, product: InSkillProduct, words: str) -> Answer:
    answer = say(plan, d, x, f"buy the {words}", i.BUY)
    directive = answer.isp_directive("Buy")
    x.require(
        directive
        and (directive.get("payload") or {}).get("InSkillProduct", {}).get("productId")
        == product.amazon_product_id,
        f'"buy the {words}" goes straight to Amazon\'s purchase of the '
        f"{plan.product_name(product)} (a Buy directive)",
        heard(answer),
    )
    return answer


def buy_and_use(plan: Plan, d: Dialogue, x: Expect) -> None:
    open_skill(plan, d, x)
    for product, words in plan.isp_products:
        name = plan.product_name(product)
        if not d.shopper.session_id:
            open_skill(plan, d, x)
        buy(plan, d, x, product, words)
        answer = d.purchase("accept")
        x.check(
            answer.speech and answer.session_open and not answer.isp_directive(),
            f"After buying the {name} the skill thanks the shopper and goes on",
            heard(answer),
        )
        opened = opened_texts(plan, product)
        if opened:
            x.check(
                says_one_of(answer, opened),
                f"What the {name} opens is delivered at once",
                heard(answer),
            )


def cancel_subscription(plan: Plan, d: Dialogue, x: Expect) -> None:
    product, words = plan.first_isp(ProductType.SUBSCRIPTION)
    name = plan.product_name(product)
    open_skill(plan, d, x)
    buy(plan, d, x, product, words)
    d.purchase("accept")
    answer = d.ask("cancel my subscription")
    directive = answer.isp_directive("Cancel")
    x.require(
        directive
        and (directive.get("payload") or {}).get("InSkillProduct", {}).get("productId")
        == product.amazon_product_id,
        f'"cancel my subscription" sends the {name} to Amazon to cancel (a Cancel directive)',
        heard(answer),
    )
    answer = d.purchase("accept")
    row = SandboxEntitlement.objects.filter(
        store=plan.store, user_id=d.user_id, product=product
    ).first()
    x.check(
        row is not None and not row.auto_renew,
        f"The {name} is cancelled at Amazon (it will not renew)",
        "the ISP sandbox still renews it",
    )
    x.check(
        answer.session_open and not answer.isp_directive(),
        "The skill then asks what the shopper wants to do next",
        heard(answer),
    )


def refund_in_skill_product(plan: Plan, d: Dialogue, x: Expect) -> None:
    product, words = plan.first_isp(ProductType.ENTITLEMENT, ProductType.CONSUMABLE)
    name = plan.product_name(product)
    open_skill(plan, d, x)
    buy(plan, d, x, product, words)
    d.purchase("accept")
    answer = d.ask("I want a refund")
    directive = answer.isp_directive("Cancel")
    x.require(
        directive
        and (directive.get("payload") or {}).get("InSkillProduct", {}).get("productId")
        == product.amazon_product_id,
        f'"I want a refund" sends the shopper to Amazon\'s customer service for the {name} '
        "(a Cancel directive)",
        heard(answer),
    )
    answer = d.purchase("accept")
    row = SandboxEntitlement.objects.filter(
        store=plan.store, user_id=d.user_id, product=product
    ).first()
    x.check(
        row is None or not state_of(product, row, timezone.now()).entitled,
        f"Amazon takes the {name} back (the ISP sandbox no longer counts it as bought)",
        "the ISP sandbox still counts it",
    )
    x.check(
        answer.session_open and not answer.isp_directive(),
        "The skill then asks what the shopper wants to do next",
        heard(answer),
    )


def payment_error(plan: Plan, d: Dialogue, x: Expect) -> None:
    product, words = plan.isp_products[0]
    name = plan.product_name(product)
    open_skill(plan, d, x)
    buy(plan, d, x, product, words)
    answer = d.purchase("error")
    voice = speech.for_locale(plan.locale)
    failure_words = ("payment", "zahlung", voice.PURCHASE_DID_NOT_GO_THROUGH)
    repeated = [words for words in failure_words if contains(answer.speech, words)]
    x.check(
        answer.speech and not repeated,
        "The skill does not repeat the payment failure (Amazon has told the shopper)",
        heard(answer),
    )
    x.check(
        answer.session_open and not answer.isp_directive(),
        f"The skill resumes with free or owned content, without offering the {name} again",
        heard(answer),
    )


# The plan ----------------------------------------------------------------------------------


GOODS_CASES = [
    Case(
        "amazon_pay_order",
        "Order a product, paying with Amazon Pay",
        "Order an item: before ordering the skill confirms the seller of record, the "
        "products, the delivery details and the total with tax and shipping; after, it "
        "confirms the order by voice and with a card.",
        AMAZON_PAY,
        amazon_pay_order,
    ),
    Case(
        "pay_on_delivery_order",
        "Order a product, paying on delivery",
        "Order an item: the skill confirms the seller of record, the products, the delivery "
        "details and the total, then confirms the order by voice and with a card.",
        ORDERS,
        pay_on_delivery_order,
    ),
    Case(
        "declined_payment",
        "A declined payment, then trying again",
        "A declined payment: Amazon Pay tells the shopper; the skill does not repeat it, "
        "resumes, and the order can be completed later.",
        AMAZON_PAY,
        declined_payment,
    ),
    Case(
        "permission_not_granted",
        "Amazon Pay permission not granted",
        "Without the Amazon Pay permission the skill asks for it with a permissions card "
        "instead of ordering.",
        AMAZON_PAY,
        permission_not_granted,
        consent="DENIED",
    ),
    Case(
        "order_status",
        "Where is my order",
        "After ordering, the shopper can ask about the order.",
        ORDERS,
        order_status,
    ),
    Case(
        "cancel_order",
        "Cancel an order",
        "Complete an order and cancel it: the skill tells the user how the order is "
        "cancelled and what happens to the payment.",
        ORDERS,
        cancel_order,
    ),
    Case(
        "refund_guidance",
        "Ask for a refund",
        "Request a refund: the skill tells the user how to get one.",
        ORDERS,
        refund_guidance,
    ),
]
HELP_CASE = Case(
    "help_and_stop",
    "Help, stop and cancel",
    "Help explains what the skill does and keeps listening; stop and cancel end the skill.",
    ORDERS,
    help_and_stop,
)
ISP_CASES = [
    Case(
        "what_can_i_buy",
        "What can I buy",
        'Ask "what can I buy" (needed for promotion): the user hears every product of every type.',
        ISP,
        what_can_i_buy,
    ),
    Case(
        "suggestion_without_price",
        "A suggestion in context, without a price",
        "Purchase suggestions make sense in context, say what is offered and why, name no "
        "price and differ from the purchase prompt.",
        ISP,
        suggestion_without_price,
    ),
    Case(
        "buy_and_use",
        "Buy each product and use it at once",
        "Ask to buy each product: the user can buy every product and use it immediately.",
        ISP,
        buy_and_use,
    ),
    Case(
        "decline_suggestion",
        "Decline a suggestion",
        "Decline a suggestion: the user does not enter the purchase flow and the free content "
        "goes on.",
        ISP,
        decline_suggestion,
    ),
    Case(
        "cancel_subscription",
        "Cancel a subscription by voice",
        "For a subscription: the user can cancel it with a voice request.",
        ISP,
        cancel_subscription,
    ),
    Case(
        "refund_in_skill_product",
        "Ask for a refund of an in-skill purchase",
        "For one-time purchases and consumables: asking for a refund directs the user to "
        "Amazon customer support.",
        ISP,
        refund_in_skill_product,
    ),
    Case(
        "payment_error",
        "A payment error in Amazon's purchase dialogue",
        "With invalid payment details Amazon reports the failure; the skill does not repeat "
        "it and resumes with owned or free content.",
        ISP,
        payment_error,
    ),
]
NOT_IN_ISP_SANDBOX = (
    "Not played: the store is not in ISP sandbox mode, so Amazon's purchase dialogue cannot "
    "be played here. Turn ISP sandbox mode on in the store's ISP settings to play it (and off "
    "again before you submit the skill)."
)


def plan_cases(store: Store) -> Plan:
    """The cases that apply to ``store`` and what they need; raises ``CannotRun``."""
    skill_id = store.skill_ids.order_by("pk").values_list("skill_id", flat=True).first()
    if not skill_id:
        raise CannotRun(
            "The store has no Alexa skill id, so the skill cannot find it: add the id in the "
            "store's settings."
        )
    locale = store.default_locale
    try:
        package = build_skill_package(store=store)
    except PackageInvalid as invalid:
        raise CannotRun(
            "The skill package cannot be built, so there is no interaction model to talk "
            f"to: {' '.join(invalid.errors)}"
        ) from None
    model = package.models[locale]
    plan = Plan(store=store, locale=locale, skill_id=skill_id, matcher=Matcher(model, locale))
    values = {
        t["name"]: t["values"] for t in model["interactionModel"]["languageModel"].get("types", [])
    }
    _choose_goods(plan, values.get(i.PRODUCT_TYPE, []))
    _choose_isp(plan, values.get(i.ISP_PRODUCT_TYPE, []), values.get(i.COLLECTION_TYPE, []))
    return plan


def _choose_goods(plan: Plan, values: list[dict]) -> None:
    store = plan.store
    products = {str(p.pk): p for p in Product.objects.filter(store=store, active=True, price__gt=0)}
    for value in values:
        product = products.get(str(value["id"]))
        if product is not None and (product.stock is None or product.stock >= 1):
            plan.goods, plan.goods_words = product, _spoken(product.spoken_name, value)
            break
    if plan.goods is None:
        plan.notes.append(
            "No product can be ordered (none is active, priced and in stock): the order rows "
            "do not apply."
        )
    else:
        if store.uses_amazon_pay:
            wanted = {"amazon_pay_order", "declined_payment", "permission_not_granted"}
        else:
            wanted = {"pay_on_delivery_order"}
        wanted |= {"order_status", "cancel_order", "refund_guidance"}
        plan.cases += [case for case in GOODS_CASES if case.key in wanted]
    plan.cases.append(HELP_CASE)


def _choose_isp(plan: Plan, product_values: list[dict], collection_values: list[dict]) -> None:
    store, locale = plan.store, plan.locale
    marketplace = LOCALE_MARKETPLACE.get(locale, "amazon.com")
    now = timezone.now()
    products = {
        p.reference_name: p
        for p in InSkillProduct.objects.filter(store=store, purchasable=True).prefetch_related(
            "localizations", "prices"
        )
    }
    for value in product_values:
        product = products.get(value["id"])
        if product is not None and any(
            price.marketplace == marketplace and price.release_date <= now
            for price in product.prices.all()
        ):
            plan.isp_products.append((product, _spoken("", value)))
    if not plan.isp_products:
        if products:
            plan.notes.append(
                f"No in-skill product is on sale in {locale} ({marketplace}): the in-skill "
                "purchasing rows do not apply."
            )
        return
    collections = {str(c.pk): c for c in ContentCollection.objects.filter(store=store, active=True)}
    premium_collections = set(
        ContentItem.objects.filter(store=store, active=True)
        .exclude(access=ContentAccess.FREE)
        .values_list("collection_id", flat=True)
    )
    for value in collection_values:
        collection = collections.get(str(value["id"]))
        if collection is not None and collection.pk in premium_collections:
            plan.collections.append((collection, _spoken(collection.spoken_name, value)))
    wanted = {"what_can_i_buy", "buy_and_use", "payment_error"}
    if plan.collections and upsell_settings(store) > 0:
        wanted |= {"suggestion_without_price", "decline_suggestion"}
    else:
        plan.notes.append(
            "The skill makes no purchase suggestions (no premium content, or suggestions per "
            "session set to 0): the suggestion rows do not apply."
        )
    if plan.first_isp(ProductType.SUBSCRIPTION):
        wanted.add("cancel_subscription")
    else:
        plan.notes.append("No subscription is sold: cancelling one by voice does not apply.")
    if plan.first_isp(ProductType.ENTITLEMENT, ProductType.CONSUMABLE):
        wanted.add("refund_in_skill_product")
    else:
        plan.notes.append(
            "No one-time purchase or consumable is sold: asking for its refund does not apply."
        )
    playable = store_in_isp_sandbox(store)
    for case in ISP_CASES:
        if case.key in wanted:
            plan.cases.append(case if playable else _skipped(case, NOT_IN_ISP_SANDBOX))


def _spoken(preferred: str, value: dict) -> str:
    """How the test shopper names a slot value: ``preferred`` (the spoken name) when the
    model knows it as the value or a synonym, else the value, in lower case as spoken."""
    known = [value["name"]["value"], *value["name"].get("synonyms", [])]
    if preferred and preferred.lower() in {k.lower() for k in known}:
        return preferred.lower()
    return value["name"]["value"].lower()


def _skipped(case: Case, reason: str) -> Case:
    return Case(case.key, case.title, case.row, case.group, case.play, case.consent, reason)
