"""The Amazon Pay and order rows of the certification cases: order and pay (or pay on
delivery), a declined payment then trying again, the permission not granted, help and stop,
where is my order, cancel my order, refund guidance."""

from alexa.scopes import AUTOPAY_SCOPE
from merchant.models import PaymentMode
from orders.models import OrderStatus
from skill import intents as i

from . import selectors
from .dialogue import Dialogue
from .expectations import Expect, Plan, contains, heard, open_skill, say


def place_order(plan: Plan, d: Dialogue, x: Expect, *, details: bool = False):
    """Open the skill, order the plan's product and pay for it (Amazon Pay sandbox or on
    delivery). Returns the placed order."""
    assert plan.goods is not None  # the order cases run for stores that sell goods
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
    assert order is not None  # required above
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
    assert plan.goods is not None  # the order cases run for stores that sell goods
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
        and AUTOPAY_SCOPE in (card.get("permissions") or []),
        f"A permissions card asking for {AUTOPAY_SCOPE} goes to the Alexa app",
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
