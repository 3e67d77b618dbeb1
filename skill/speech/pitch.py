"""The product pitch Alexa speaks, and the one-breath rule.

The skill speaks it (``handlers.shopping``); the catalog admin previews it while a product
is edited and enforces the rule on activation (``catalog.pitch_forms``, the one import from a
lower app into the skill).

Rule (``alexa.one_breath``): a pitch (name, what it includes, price) fits in one breath when
its estimated speaking time is at most ``ONE_BREATH_SECONDS`` (8 s) at ``SPEAKING_RATE_WPM``
(150 words a minute), that is at most 20 words, counted on the plain spoken text.
The closing question ("Do you want to order it?") is a second breath and is not counted.
Every number shown for a pitch (the product list, the product page, the skill) comes from
``pitch_for``; the product page's live preview (``static/portal/pitch_preview.js``) mirrors
it from ``live_preview_data``.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from alexa import one_breath
from catalog.models import Product
from skill import speech


@dataclass(frozen=True)
class Pitch:
    ssml: str
    question: str
    words: int
    seconds: float

    @property
    def fits_one_breath(self) -> bool:
        return one_breath.fits_one_breath(self.words)

    @property
    def text(self) -> str:
        return f"{speech.plain(self.ssml)} {self.question}"


def seconds_for(words: int) -> float:
    """Estimated speaking time of ``words`` words, to 0.1 s."""
    return round(one_breath.spoken_seconds(words), 1)


def pitch_for(
    *, spoken_name: str, spoken_description: str, price: Decimal, currency: str, locale: str
) -> Pitch:
    """The pitch of a name, a description and a price in ``locale``: the one function every
    pitch and its numbers come from."""
    voice = speech.for_locale(locale)
    ssml = voice.pitch(
        speech.ssml_escape(spoken_name),
        speech.ssml_escape(spoken_description),
        speech.money(price, currency, locale),
    )
    words = one_breath.word_count(speech.plain(ssml))
    return Pitch(ssml=ssml, question=voice.PITCH_QUESTION, words=words, seconds=seconds_for(words))


def product_pitch(product: Product, locale: str | None = None, *, translated: bool = True) -> Pitch:
    """The pitch in ``locale``; ``translated=False`` when the product's own text is already
    in that language (saves looking up translations on the skill's hot path)."""
    locale = locale or product.store.default_locale
    text = product.localized(locale if translated else None)
    return pitch_for(
        spoken_name=text.spoken_name,
        spoken_description=text.spoken_description,
        price=product.price,
        currency=product.currency,
        locale=locale,
    )


def store_pitches(product: Product) -> dict[str, Pitch]:
    """The pitch in every locale the product's store speaks, default first, exactly as the
    skill says it: in the default locale the product's own text, elsewhere its translation
    (falling back to the own text where there is none)."""
    default = product.store.default_locale
    return {
        locale: product_pitch(product, locale, translated=locale != default)
        for locale in product.store.locales()
    }


# The live preview ---------------------------------------------------------------------------

# Amounts whose spoken words show each shape a price can take: (whole, minor) each none, one
# or many. 222 and 33 stand for "many" and become {whole} and {minor}.
_MONEY_SHAPES = {
    "00": "0.00",
    "01": "0.01",
    "0n": "0.33",
    "10": "1.00",
    "11": "1.01",
    "1n": "1.33",
    "n0": "222.00",
    "n1": "222.01",
    "nn": "222.33",
}


def _money_templates(currency: str, locale: str) -> dict[str, str]:
    templates: dict[str, str] = {}
    for shape, amount in _MONEY_SHAPES.items():
        words = speech.plain(speech.money(Decimal(amount), currency, locale))
        templates[shape] = re.sub(r"\b33\b", "{minor}", re.sub(r"\b222\b", "{whole}", words))
    return templates


def live_preview_data(*, price: Decimal, currency: str, locale: str) -> dict[str, Any]:
    """What the product page's script needs to rebuild the pitch in ``locale`` while the
    owner types: the sentence with ``{name}``, ``{description}`` and ``{price}`` to fill
    (with and without a description), the words of a price per shape (see
    ``_MONEY_SHAPES``) and of the saved ``price``, and the closing question."""
    voice = speech.for_locale(locale)

    def sentence(description: str) -> str:
        return speech.plain(voice.pitch("{name}", description, "{price}"))

    return {
        "template": sentence("{description}"),
        "template_short": sentence(""),
        "money": _money_templates(currency, locale),
        "price": speech.plain(speech.money(price, currency, locale)),
        "question": voice.PITCH_QUESTION,
    }
