"""What the catalog's texts must be for Alexa: the spoken description says only what Alexa
can say, and the card text fits the Alexa app's card.

Sayable characters (the portal's rule): letters of the Latin alphabet, accented ones
included (the store's locales are English and German: "café", "Größe"), the digits 0-9,
white space (spaces, line breaks), and common punctuation
(``PUNCTUATION``: . , ; : ! ? ' " ‘ ’ “ ” „ ‚ - – — ( ) & % / + $ € £).
Everything else (emoji, symbols such as ™ or ©, other scripts, control characters) is
refused, each character named in words ("“😀” (grinning face)").

The card holds ``alexa.cards.CARD_MAX_CHARACTERS`` characters, title and text together;
the card's title is the product's name.
"""

import unicodedata

from alexa.cards import CARD_MAX_CHARACTERS, card_room

PUNCTUATION = frozenset(".,;:!?'\"‘’“”„‚-–—()&%/+$€£")


def _sayable(char: str) -> bool:
    if char.isspace() or char in PUNCTUATION or char in "0123456789":
        return True
    return unicodedata.category(char).startswith("L") and unicodedata.name(char, "").startswith(
        "LATIN "
    )


def _in_words(char: str) -> str:
    name = unicodedata.name(char, "")
    if not name:
        name = f"character U+{ord(char):04X}"
    if not char.isprintable():
        return name.lower()
    return f"“{char}” ({name.lower()})"


def unsayable_characters(text: str) -> list[str]:
    """The characters of ``text`` Alexa cannot say, each once, in the order they appear."""
    found: list[str] = []
    for char in text or "":
        if not _sayable(char) and char not in found:
            found.append(char)
    return found


def spoken_text_error(text: str) -> str | None:
    """The refusal in words, or None when every character can be said."""
    found = unsayable_characters(text)
    if not found:
        return None
    named = ", ".join(_in_words(char) for char in found)
    return (
        f"Alexa cannot say {named}. Use letters, digits, spaces and common punctuation; "
        "say it in words instead."
    )


def card_text_error(*, title: str, text: str) -> str | None:
    """The refusal in words when the card's title and text exceed the card, or None."""
    room = card_room(title)
    if len(text or "") <= room:
        return None
    return (
        f"The Alexa app card holds {CARD_MAX_CHARACTERS:,} characters, its title and text "
        f"together: the title “{title}” leaves {room:,} for the text, which has "
        f"{len(text):,}. Shorten it."
    )
