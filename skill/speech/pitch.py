"""The product pitch Alexa speaks, and the one-breath rule.

The skill speaks it (``handlers.shopping``); the catalog admin previews it while a product
is edited (``catalog.admin``, the one import from a lower app into the skill).

Rule: a pitch (name, what it includes, price) fits in one breath when its estimated speaking
time is at most ``ONE_BREATH_SECONDS`` (8 s) at ``SPEAKING_RATE_WPM`` (150 words a minute),
that is at most 20 words. Words are counted on the plain spoken text, split on white space.
The closing question ("Do you want to order it?") is a second breath and is not counted.
"""

from dataclasses import dataclass

from django.conf import settings

from skill import speech


@dataclass(frozen=True)
class Pitch:
    ssml: str
    question: str
    words: int
    seconds: float

    @property
    def fits_one_breath(self) -> bool:
        return self.seconds <= settings.ONE_BREATH_SECONDS

    @property
    def text(self) -> str:
        return f"{speech.plain(self.ssml)} {self.question}"


def speaking_seconds(text: str) -> float:
    words = len(speech.plain(text).split())
    return round(words * 60 / settings.SPEAKING_RATE_WPM, 1)


def product_pitch(product, locale: str | None = None, *, translated: bool = True) -> Pitch:
    """The pitch in ``locale``; ``translated=False`` when the product's own text is already
    in that language (saves looking up translations on the skill's hot path)."""
    locale = locale or product.store.default_locale
    voice = speech.for_locale(locale)
    text = product.localized(locale if translated else None)
    ssml = voice.pitch(
        speech.ssml_escape(text.spoken_name),
        speech.ssml_escape(text.spoken_description),
        speech.money(product.price, product.currency, locale),
    )
    words = len(speech.plain(ssml).split())
    return Pitch(
        ssml=ssml,
        question=voice.PITCH_QUESTION,
        words=words,
        seconds=round(words * 60 / settings.SPEAKING_RATE_WPM, 1),
    )
