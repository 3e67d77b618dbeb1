"""The skill's voice in American English for premium content and in-skill purchasing
(``en_US`` re-exports it: one voice per locale, kept in two files for length).

Names, summaries and descriptions arrive raw and are escaped here; content text arrives
escaped (``skill.premium`` escapes it and adds the ``<audio>`` clip). No sentence here names
a price: Amazon states it in its own purchase dialogue.
"""

from . import ssml_escape


def _list(words: list[str], conjunction: str = "or") -> str:
    words = [ssml_escape(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


# Launch and help -----------------------------------------------------------------------------


def content_choices(collections: list[str]) -> str:
    """A store whose skill offers content: what the shopper can ask for."""
    if not collections:
        return "You can ask what you can buy. What would you like?"
    return f"You can hear {_list(collections)}, or ask what you can buy. What would you like?"


def help_content(collections: list[str]) -> str:
    things = _list(collections) or "content"
    return f"You can ask for {things}, ask what you can buy, or say stop."


# Content -------------------------------------------------------------------------------------

ANOTHER_QUESTION = "Would you like another one?"
HEARD_BEFORE = "Here's one you've heard before."
NOTHING_TO_PLAY = "There's nothing to play here yet. What else would you like?"


def units_left(count: int, name: str) -> str:
    if count == 0:
        return f"That was your last one of the {ssml_escape(name)}."
    return f"You have {count} left of the {ssml_escape(name)}."


def locked(name: str) -> str:
    """Premium content the shopper cannot open and is not offered now: never a dead end."""
    return (
        f"That one comes with the {ssml_escape(name)}. You can say: buy the "
        f"{ssml_escape(name)}, or ask for a free one."
    )


# Suggestions (Amazon reads the upsell message, then states the price) ------------------------

UPSELL_FINISHED = "You've heard all the free ones for now."
UPSELL_PREMIUM = "That's premium content."


def upsell_message(context: str, name: str, summary: str) -> str:
    """Why now, what it gives, and a yes/no question; no price."""
    summary = ssml_escape(summary.strip().rstrip("."))
    return f"{context} The {ssml_escape(name)}: {summary}. Want to learn more about it?"


# What can I buy, tell me about, what have I bought ------------------------------------------


def for_sale(products: list[tuple[str, str]]) -> str:
    """Name and summary of each product the shopper can buy, then an offer to hear more."""
    parts = [f"{ssml_escape(n)}: {ssml_escape(s.strip().rstrip('.'))}." for n, s in products]
    return f"You can buy: {' '.join(parts)} Which one would you like to hear more about?"


NOTHING_FOR_SALE = "You already have everything there is to buy. What would you like to do?"
SHOP_UNAVAILABLE = (
    "I can't check what's for sale right now. Would you like to hear something free instead?"
)
HEAR_MORE_WHICH = "Say: tell me about, and the name."


def description(name: str, text: str) -> str:
    return f"{ssml_escape(name)}: {ssml_escape(text.strip())}"


BUY_QUESTION = "Would you like to buy it?"


def which_purchase(names: list[str]) -> str:
    """A name the skill did not recognise: say what can be bought."""
    if not names:
        return "There's nothing to buy right now. What would you like to do?"
    return f"You can buy {_list(names)}. Which one would you like?"


def owned(names: list[str]) -> str:
    return f"You have {_list(names, 'and')}. What would you like to do?"


NOTHING_OWNED = "You haven't bought anything yet. To hear the options, say: what can I buy."


def already_owned(name: str) -> str:
    return f"You already have the {ssml_escape(name)}."


def not_for_sale(name: str) -> str:
    return f"The {ssml_escape(name)} isn't for sale right now."


# After Amazon's purchase dialogue ------------------------------------------------------------


def bought(name: str) -> str:
    return f"Thanks for getting the {ssml_escape(name)}. Here it is."


DECLINED = "OK."
PURCHASE_DID_NOT_GO_THROUGH = "That purchase request didn't go through."
CANCEL_DONE_NEXT = "What would you like to do next?"


# Cancelling and refunds ----------------------------------------------------------------------

NO_SUBSCRIPTION = "You don't have a subscription to cancel. What would you like to do?"


def choose_cancel(name: str) -> str:
    """The shopper has a refill plan and a subscription: ask which."""
    return (
        f"You have a refill plan and the {ssml_escape(name)}. Do you want to cancel the "
        f"{ssml_escape(name)}? Say no to cancel your refill plan instead."
    )


def choose_refund(name: str) -> str:
    """The shopper has an order and something bought in the skill: ask which."""
    return f"Is this about the {ssml_escape(name)}? Say no if it's about an order we sent you."


def one_of(names: list[str]) -> str:
    return f"something you bought here, the {_list(names)}"


def which_cancel(names: list[str]) -> str:
    return f"Which one: {_list(names)}?"


NOTHING_TO_REFUND = "You haven't bought anything in the skill that can be returned."


# How many do I have left ---------------------------------------------------------------------

NO_UNITS = "You don't have any left."


def inventory(entries: list[tuple[int, str]]) -> str:
    parts = [f"{count} of the {ssml_escape(name)}" for count, name in entries]
    return f"You have {_list(parts, 'and')} left."


NO_CONSUMABLES = "You don't have any packs yet. To hear the options, say: what can I buy."
