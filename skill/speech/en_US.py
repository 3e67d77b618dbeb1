"""The skill's voice in American English.

Functions take raw text (store names, product names, policies, addresses) and escape it for
SSML themselves, except ``pitch``, whose ``name`` and ``description`` arrive escaped from
``skill.speech.pitch``. Money arrives already spoken (``money()``). Card text is plain, not SSML.
"""

from decimal import Decimal

from . import split_money, ssml_escape

CURRENCY_NAMES = {
    "USD": ("dollar", "dollars", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "EUR": ("euro", "euros", "cent", "cents"),
}


def money(amount: Decimal, currency: str) -> str:
    whole, minor = split_money(amount)
    one, many, minor_one, minor_many = CURRENCY_NAMES.get(currency, CURRENCY_NAMES["USD"])
    if whole == 0 and minor:
        return f"{minor} {minor_one if minor == 1 else minor_many}"
    text = f"{whole} {one if whole == 1 else many}"
    if minor:
        text += f" and {minor} {minor_one if minor == 1 else minor_many}"
    return text


def pitch(name: str, description: str, price: str) -> str:
    """The product pitch, in one breath. ``name`` and ``description`` arrive SSML-escaped."""
    if description:
        return f"The {name}: {description.rstrip('.')}, for {price}."
    return f"The {name}, for {price}."


PITCH_QUESTION = "Do you want to order it?"
PITCH_QUESTION_MANY = "Do you want to order them?"


def quantity_price(quantity: int, total: str) -> str:
    return f"{quantity} of them cost {total}."


# Lists and items -----------------------------------------------------------------------------


def spoken_list(words: list[str], conjunction: str = "or") -> str:
    """'a, b or c' from raw words (escaped here)."""
    words = [ssml_escape(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def item(quantity: int, name: str) -> str:
    """One line of an order, raw (escape with the list)."""
    if quantity == 1:
        return f"one {name}"
    plural = name if name.endswith("s") else f"{name}s"
    return f"{quantity} {plural}"


def items(lines: list[tuple[int, str]]) -> str:
    return spoken_list([item(q, n) for q, n in lines], "and")


# Launch ------------------------------------------------------------------------------------

WELCOMES = [
    "Welcome to {store}.",
    "Hi, this is {store}.",
    "Hello again from {store}.",
]


def welcome(store: str, visit: int) -> str:
    return WELCOMES[visit % len(WELCOMES)].format(store=ssml_escape(store))


CHOICE_PROMPTS = [
    "Would you like {choices}?",
    "You can order {choices}. What would you like?",
    "We have {choices}. Which would you like?",
]


def choices(names: list[str], visit: int = 0) -> str:
    if not names:
        return NOTHING_TO_SELL
    return CHOICE_PROMPTS[visit % len(CHOICE_PROMPTS)].format(choices=spoken_list(names))


NOTHING_TO_SELL = "There is nothing to order right now. Please come back soon."


def offer_resume(items_text: str) -> str:
    return (
        f"You have an unfinished order: {items_text}. Would you like to continue it? "
        "Say no to start a new order."
    )


def offer_reorder(items_text: str) -> str:
    return f"Last time you ordered {items_text}. Would you like to order that again?"


RESUME_PROMPT = "Would you like to continue your order, or start a new one?"
REORDER_PROMPT = "Would you like to order that again?"
FRESH_START = "OK, let's start a new order."
WHAT_NEXT = "What would you like to do?"
ANYTHING_ELSE = "Is there anything else I can do for you?"

# Products ----------------------------------------------------------------------------------


def which_product(names: list[str]) -> str:
    if not names:
        return f"Sorry, I didn't catch which product you mean. {NOTHING_TO_SELL}"
    return (
        "Sorry, I didn't catch which product you mean. "
        f"We have {spoken_list(names)}. Which one would you like?"
    )


def not_available(name: str, alternatives: list[str]) -> str:
    text = f"Sorry, the {ssml_escape(name)} is not available right now."
    if alternatives:
        text += f" We do have {spoken_list(alternatives)}. Which would you like?"
    return text


def nothing_in_category(category_name: str) -> str:
    return f"Sorry, I have nothing to offer you from {ssml_escape(category_name)} right now."


def category_products(category: str, names: list[str]) -> str:
    return f"For {ssml_escape(category)}, we have {spoken_list(names)}. Which would you like?"


def too_many(maximum: int) -> str:
    return f"I can order up to {maximum} at a time. How many would you like?"


def already_own(name: str, refills: list[str]) -> str:
    text = f"You already have the {ssml_escape(name)}."
    if refills:
        text += f" Would you like {spoken_list(refills)} for it instead?"
    return text


def unavailable_left_out(names: list[str]) -> str:
    verb = "is" if len(names) == 1 else "are"
    return f"Sorry, the {spoken_list(names, 'and')} {verb} not available now."


# Amazon Pay ---------------------------------------------------------------------------------

NEED_PERMISSION = (
    "To order, please enable Amazon Pay and voice purchasing for this skill in the Alexa app. "
    "I've sent a card to the Alexa app that shows you how."
)
NEED_ADDRESS_PERMISSION = (
    "To deliver your order, I need your address. Please allow this skill to use your device "
    "address, and your email for the order confirmation, on the card I've sent to the Alexa "
    "app. Your order is kept until then."
)
NO_DEVICE_ADDRESS = (
    "I couldn't find an address for this device. Please add one in the Alexa app's device "
    "settings, then open the skill again: your order is kept until then."
)
ADDRESS_UNAVAILABLE = (
    "Sorry, I couldn't get your address just now. Please try again in a moment: your order is "
    "kept until then."
)


def address(destination: dict[str, str]) -> str:
    parts = [
        destination.get("addressLine1"),
        destination.get("addressLine2"),
        destination.get("city"),
        destination.get("stateOrRegion"),
        destination.get("postalCode"),
    ]
    # Only text is spoken: an address kept by an older release may hold other values.
    return ssml_escape(", ".join(p for p in parts if isinstance(p, str) and p))


def summary(
    *,
    seller: str,
    items_text: str,
    total: str,
    tax: str,
    shipping: str | None,
    address_text: str,
    pay_on_delivery: bool,
    prices_include_tax: bool,
) -> str:
    shipping_text = f"{shipping} shipping" if shipping else "free shipping"
    tax_text = f"{tax} tax" if tax else "no tax"
    included = "including" if not prices_include_tax else "which includes"
    text = (
        f"Here is your order from {ssml_escape(seller)}: {items_text}. "
        f"The total is {total}, {included} {tax_text} and {shipping_text}."
    )
    if address_text:
        text += f" It will be delivered to {address_text}."
    if pay_on_delivery:
        text += " Payment is due on delivery."
    return f"{text} {COMPLETE_QUESTION}"


COMPLETE_QUESTION = "Do you want me to complete your order now?"


def paid(amount: str) -> str:
    return (
        f"{amount} will be paid using Amazon Pay. More information in the Alexa app. "
        "Your order has been placed."
    )


def placed_pay_on_delivery(amount: str) -> str:
    return f"Your order has been placed. Payment of {amount} is due on delivery."


NOT_PLACED = "Your order has not been placed, and you have not been charged."
SOLD_OUT_PAYMENT_RETURNED = (
    "Sorry, that sold out while your order was going through, so your order has not been "
    "placed. The payment is being returned to you in full."
)
DECLINE_CONTINUE = "You can try again, or order something else. What would you like to do?"
AGREEMENT_NOT_OPEN = (
    "Amazon Pay is not set up for this skill right now, so I can't complete the order. "
    "You can check Amazon Pay in the Alexa app."
)
MERCHANT_PROBLEM = (
    "Sorry, the store can't take your order by voice right now. You have not been charged. "
    "Please try again later."
)
PAYMENT_INTERRUPTED = "Your order has not been placed. You can ask me to continue it later."
ORDER_ALREADY_PLACED = "That order has already been placed."
EMPTY_CART = "Your cart is empty. What would you like to order?"
KEEP_CART = "OK, I'll keep your order for later."

# Cards --------------------------------------------------------------------------------------


def confirmation_card_title(number: str) -> str:
    return f"Order {number} placed"


def confirmation_card(
    *, seller: str, number: str, lines: list[str], total: str, address_text: str, paid_by: str
) -> str:
    body = [f"Seller: {seller}", f"Order number: {number}", *lines, f"Total: {total}", paid_by]
    if address_text:
        body.append(f"Delivery to: {address_text}")
    body.append("Details are also in your email.")
    return "\n".join(body)


PAID_WITH_AMAZON_PAY = "Paid with Amazon Pay."
PAY_ON_DELIVERY_CARD = "Payment due on delivery."

# Refill plans -------------------------------------------------------------------------------


def refill_offer(name: str, weeks: int) -> str:
    return (
        f"Would you like a refill plan? I'd send a {ssml_escape(name)} every {weeks} weeks, "
        "and you can cancel any time."
    )


def refill_started(name: str, weeks: int) -> str:
    return (
        f"Done. A {ssml_escape(name)} will come every {weeks} weeks. "
        "To stop, say cancel my refills."
    )


REFILL_DECLINED = "OK, no refill plan."
NO_REFILL_PLAN = "You don't have a refill plan."


def confirm_cancel_refills(names: list[str]) -> str:
    return f"You get {spoken_list(names, 'and')} on a refill plan. Do you want me to cancel it?"


REFILLS_CANCELLED = "Your refill plan is cancelled. Nothing more will be sent or charged."
REFILLS_KEPT = "OK, your refill plan stays as it is."

# Order notifications on Alexa (offered once, after an order is placed) -----------------------

ORDER_UPDATES_OFFER = "Would you like a notification from Alexa when your order ships?"
ORDER_UPDATES_PERMISSION = (
    "OK. Please allow notifications in the card I've sent to your Alexa app, "
    "and I'll let you know when your order ships."
)
ORDER_UPDATES_DECLINED = "OK, no notifications."

# Orders after purchase ---------------------------------------------------------------------

NO_ORDERS = "You don't have any orders with us yet."


def status_placed(number: str, items_text: str, promise: str) -> str:
    text = f"Your order {number}, {items_text}, has been placed and will ship soon."
    return f"{text} {ssml_escape(promise)}" if promise else text


def status_shipped(number: str, items_text: str, carrier: str) -> str:
    via = f" with {ssml_escape(carrier)}" if carrier else ""
    return f"Your order {number}, {items_text}, has shipped{via}. It's on its way."


def status_delivered(number: str, items_text: str) -> str:
    return f"Your order {number}, {items_text}, has been delivered."


def status_cancelled(number: str, items_text: str) -> str:
    return f"Your order {number}, {items_text}, was cancelled."


def status_refunded(number: str, items_text: str, amount: str) -> str:
    return f"Your order {number}, {items_text}, was refunded. {amount} went back to you."


def status_partially_refunded(number: str, items_text: str, amount: str) -> str:
    return f"Your order {number}, {items_text}, was partly refunded: {amount} went back to you."


def confirm_cancel(number: str, items_text: str, total: str) -> str:
    return (
        f"Your latest order is order {number}: {items_text}, for {total}. "
        "Do you want me to cancel it?"
    )


NOTHING_TO_CANCEL = "You don't have an order that can be cancelled."
ORDER_KEPT = "OK, I won't cancel it."


def cancelled_refund(number: str, amount: str) -> str:
    return (
        f"Order {number} is cancelled. The {amount} you paid goes back to your Amazon Pay "
        "payment method within a few days."
    )


def cancelled_released(number: str) -> str:
    return f"Order {number} is cancelled. Your payment was not taken, so you won't be charged."


def cancelled_nothing_paid(number: str) -> str:
    return f"Order {number} is cancelled. You haven't paid anything, so there's nothing to refund."


def contact(phone: str, email: str, url: str) -> str:
    ways = [w for w in (f"call {phone}" if phone else "", f"email {email}" if email else "") if w]
    if not ways and url:
        ways = [f"visit {url}"]
    return spoken_list(ways) if ways else ""


def cannot_cancel_shipped(number: str, policy: str, contact_text: str) -> str:
    text = f"Order {number} has already shipped, so I can't cancel it. You can return it instead."
    if policy:
        text += f" {ssml_escape(policy)}"
    if contact_text:
        text += f" To start a return, {contact_text}."
    return f"{text} Once the store has your return, your money goes back to your payment method."


def refund_guidance(store: str, policy: str, contact_text: str, *, recorded: bool = True) -> str:
    """``recorded`` False: no shopper was named (nothing was passed to support)."""
    text = ssml_escape(policy) if policy else f"{ssml_escape(store)} handles refunds by request."
    if contact_text:
        text += f" To get a refund, {contact_text}."
    told = "I've told the support team about your request and sent" if recorded else "I've sent"
    return (
        f"{text} {told} the details to the Alexa app. Refunds go back to the payment method you "
        "used."
    )


REFUND_CARD_TITLE = "How to get a refund"


def refund_card(store: str, policy: str, phone: str, email: str, url: str) -> str:
    lines = [f"{store} refunds", policy]
    lines += [f"Phone: {phone}" if phone else "", f"Email: {email}" if email else ""]
    lines += [f"Web: {url}" if url else ""]
    lines.append("We have recorded your request; support will contact you.")
    return "\n".join(line for line in lines if line)


# Help and the rest --------------------------------------------------------------------------

HELP_START = (
    "You can order a product by name, ask what we have, reorder your last order, ask where "
    "your order is, cancel an order or ask for a refund."
)
HELP_OFFER = "Say yes to order it, or no to hear something else."
HELP_CONFIRM = "Say yes to complete your order now, or no to keep it for later."
HELP_YES_NO = "Please say yes or no."
FALLBACK = "Sorry, I didn't get that."
GOODBYE = "Goodbye, and thanks for shopping with us."
HOME = "OK, back to the start."
APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."
CANT_HELP = "Sorry, I can't help with that here."


# Premium content and in-skill purchasing, and the linked web account: in en_US_isp.py and
# en_US_linked.py (the same voice, more files).
from .en_US_isp import *  # noqa: E402, F403
from .en_US_linked import *  # noqa: E402, F403
