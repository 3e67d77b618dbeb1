"""Rules for the texts of in-skill products and premium content.

Certification refuses a price anywhere but the pricing fields (Amazon states the price and
may discount it), placeholders left in, and a purchase prompt that repeats the summary.
Spoken content must fit one breath: the rule of ``alexa.one_breath``, the same as the
catalog pitch's.
"""

import re

from alexa.one_breath import (
    ONE_BREATH_SECONDS,
    ONE_BREATH_WORDS,
    SPEAKING_RATE_WPM,
    fits_one_breath,
    spoken_seconds,
    word_count,
)

_PRICE = re.compile(
    r"[$€£¥￥]"
    r"|\b(?:usd|eur|gbp|jpy|cad)\b"
    r"|\b\d+(?:[.,]\d{1,2})?\s*(?:cents?|pence|yen|円)\b"
    r"|\b(?:dollars?|bucks?|cents?|euros?|pounds? sterling|pence|yen)\b"
    r"|\b\d+[.,]\d{2}\b",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\{[A-Z_]+\}|\[[A-Z_ ]+\]|\bTODO\b|\bTBD\b|lorem ipsum", re.IGNORECASE)
# Characters that would break the SSML the skill wraps its speech in.
_MARKUP = re.compile(r"[<>]")


def price_mentions(text: str) -> list[str]:
    """The parts of ``text`` that name a price or a currency ("$", "99 cents", "9.99")."""
    return [match.group(0).strip() for match in _PRICE.finditer(text or "")]


def text_errors(label: str, text: str) -> list[str]:
    """Certification problems of one product text, each naming the field."""
    errors = []
    prices = price_mentions(text)
    if prices:
        errors.append(
            f"{label} mentions a price ({', '.join(dict.fromkeys(prices))}): Amazon states "
            "the price itself, so product texts may not."
        )
    placeholder = _PLACEHOLDER.search(text or "")
    if placeholder:
        errors.append(f"{label} still has a placeholder ({placeholder.group(0)}).")
    return errors


def same_text(a: str, b: str) -> bool:
    """Equal once case, punctuation and spacing are ignored."""

    def norm(s):
        return " ".join(re.sub(r"[^\w\s]", " ", (s or "").lower()).split())

    return norm(a) == norm(b)


def one_breath_verdict(text: str) -> str:
    """The admin's sentence about ``text``'s length."""
    words = word_count(text)
    fits = "fits in one breath" if fits_one_breath(words) else "too long for one breath"
    return (
        f"{words} words, about {spoken_seconds(words):.1f} s at "
        f"{SPEAKING_RATE_WPM} words a minute: {fits}."
    )


def spoken_text_errors(text: str) -> list[str]:
    """Why a content item's spoken text cannot be said as it stands."""
    errors = []
    if not (text or "").strip():
        errors.append("Write what Alexa says.")
        return errors
    if _MARKUP.search(text):
        errors.append("Spoken text cannot contain < or >: Alexa would read it as SSML markup.")
    if not fits_one_breath(word_count(text)):
        errors.append(
            f"Too long for one breath: {word_count(text)} words, at most {ONE_BREATH_WORDS} "
            f"({ONE_BREATH_SECONDS:g} s at {SPEAKING_RATE_WPM} words a minute)."
        )
    return errors


def ssml_escape(text: str) -> str:
    """Text safe inside ``<speak>``: ampersands and quotes escaped (< and > are refused)."""
    return (
        (text or "")
        .replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def upsell_message_errors(text: str) -> list[str]:
    """Why a suggestion cannot be said (empty is fine: the skill composes one)."""
    text = (text or "").strip()
    if not text:
        return []
    errors = text_errors("The suggestion", text)
    if not text.endswith("?"):
        errors.append("End the suggestion with a yes or no question.")
    if _MARKUP.search(text):
        errors.append("The suggestion cannot contain < or >: Alexa would read it as markup.")
    if not fits_one_breath(word_count(text)):
        errors.append(
            f"Too long for one breath: {word_count(text)} words, at most {ONE_BREATH_WORDS}."
        )
    return errors
