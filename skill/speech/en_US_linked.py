"""The skill's voice in American English for a shopper's linked web account: the shared
cart, the wish list, orders charged to a saved card, and the voice purchase code (``en_US``
exports it too: one voice per locale, in two files for length).

Product names, addresses and card brands arrive raw and are escaped here; money arrives
already spoken. Card text (the Alexa app) is plain, not SSML.
"""

from . import ssml_escape


def _list(words: list[str], conjunction: str = "and") -> str:
    words = [ssml_escape(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def card_name(brand: str, last4: str) -> str:
    """ "Visa ending in 4242", the last four read digit by digit."""
    return f'{ssml_escape(brand)} ending in <say-as interpret-as="digits">{last4}</say-as>'


def card_name_text(brand: str, last4: str) -> str:
    """The same for the Alexa app's card (plain text)."""
    return f"{brand} ending in {last4}"


# Linking ------------------------------------------------------------------------------------

LINK_ACCOUNT = (
    "To use your cart, your wish list and your saved cards, please link your account from "
    "our web shop. I've sent a card to the Alexa app that takes you there."
)
LINK_SCOPE_MISSING = (
    "Your linked account doesn't allow that yet. Please link it again in the Alexa app, and "
    "allow your cart and your orders. I've sent a card there."
)

# The shared cart ----------------------------------------------------------------------------


def cart_contents(items_text: str, total: str) -> str:
    return (
        f"In your cart: {items_text}. The total is {total} with tax and shipping. "
        "To order it, say order my cart."
    )


CART_EMPTY = "Your cart is empty. You can say add, and a product, to my cart."


def added_to_cart(name: str, quantity: int) -> str:
    if quantity == 1:
        return f"I've added the {ssml_escape(name)} to your cart. There's one in it now."
    return f"I've added the {ssml_escape(name)} to your cart. There are {quantity} in it now."


ANYTHING_ELSE_CART = "Anything else? You can also say order my cart."

# The wish list ------------------------------------------------------------------------------


def added_to_wish_list(name: str) -> str:
    return f"I've added the {ssml_escape(name)} to your wish list."


def wish_list_contents(names: list[str]) -> str:
    return (
        f"On your wish list: {_list(names)}. To order one, say order, its name, from my wish list."
    )


WISH_LIST_EMPTY = "Your wish list is empty. You can say add, and a product, to my wish list."


def not_on_wish_list(name: str) -> str:
    return f"The {ssml_escape(name)} isn't on your wish list. What would you like to do?"


# Ordering with a saved card -----------------------------------------------------------------


def card_order_summary(
    *,
    items_text: str,
    total: str,
    tax: str,
    shipping: str,
    card: str,
    address_text: str,
    prices_include_tax: bool,
) -> str:
    """The order before the shopper says yes: items, total with tax and shipping, the card
    (``card_name``; "" in a store paid on delivery) and the address, then the question."""
    shipping_text = f"{shipping} shipping" if shipping else "free shipping"
    tax_text = f"{tax} tax" if tax else "no tax"
    included = "which includes" if prices_include_tax else "including"
    paying = (
        f"I'll charge your {card} and deliver to"
        if card
        else "Payment is due on delivery. I'll deliver to"
    )
    return (
        f"Your order: {items_text}. The total is {total}, {included} {tax_text} and "
        f"{shipping_text}. {paying} {address_text}. {CARD_ORDER_QUESTION}"
    )


CARD_ORDER_QUESTION = "Shall I place the order?"
CARD_ORDER_KEPT = "OK, I haven't ordered anything."
NO_SAVED_CARD = (
    "You don't have a saved card yet. Please add one on your account page in our web shop, "
    "then ask me again."
)
NO_SAVED_ADDRESS = (
    "I don't have a delivery address for you yet. Please add one on your account page in our "
    "web shop, then ask me again."
)


def cart_unavailable(names: list[str]) -> str:
    verb = "is" if len(names) == 1 else "are"
    return (
        f"Sorry, the {_list(names)} {verb} not available right now, so I can't order your "
        "cart. You can change your cart in our web shop."
    )


CART_GONE = (
    "Your cart is empty now. If it was just ordered from another device, that order has gone "
    "through."
)


def card_order_placed(number: str, total: str, card: str) -> str:
    return f"Done. {total} goes on your {card}, and your order {number} is placed."


def card_declined(card: str) -> str:
    return (
        f"Your {card} was declined, so your order has not been placed and you have not been "
        "charged. You can use another card in our web shop."
    )


PAYMENT_LINK_SENT = (
    "Your bank wants you to confirm this payment, so I sent a link to finish on your phone. "
    "It's in the Alexa app and in your email. Your order is placed once you finish there."
)
PAYMENT_LINK_CARD_TITLE = "Finish your payment"


def payment_link_card(store: str, url: str) -> str:
    return (
        f"{store}: your bank wants you to confirm your payment.\n"
        f"Finish it here: {url}\n"
        "Your order is placed once you finish."
    )


def paid_with_card(card: str) -> str:
    """The confirmation card's payment line (``card_name_text``)."""
    return f"Paid with your {card}."


# The voice purchase code --------------------------------------------------------------------

VOICE_CODE_PROMPT = "Please say your four-digit voice purchase code."
VOICE_CODE_WRONG = "That code isn't right. Please say your four-digit voice purchase code again."
VOICE_CODE_LOCKED = (
    "That code isn't right either. After three wrong codes, voice purchases stop for 15 "
    "minutes. Nothing was ordered and you have not been charged."
)


def voice_purchases_paused(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Voice purchases are paused after three wrong codes. Please try again in {minutes} {unit}."
    )


VOICE_CODE_NOT_SET = (
    "This store asks for a voice purchase code before it charges your card, and you haven't "
    "set one yet. You can set it on your account page in our web shop."
)
VOICE_CODE_NOT_ASKED = "I didn't ask for a code just now. What would you like to do?"
