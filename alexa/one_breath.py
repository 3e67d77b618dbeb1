"""The one-breath rule: what Alexa says in one go fits in one breath.

Amazon's voice design guide asks skills to pass "the one-breath test" (design responses you
can say in one breath); it gives no number. The portal's numbers: Alexa speaks about
``SPEAKING_RATE_WPM`` words a minute, and a breath lasts ``ONE_BREATH_SECONDS``, so a text
fits when its estimated speaking time is at most that, which is at most ``ONE_BREATH_WORDS``
words. Words are counted on the plain spoken text (no SSML), split on white space.

The catalog's product pitch (``skill.speech.pitch``, enforced on the product pages), the
texts of in-skill products and premium content (``isp.texts``) and the product page's live
preview (``static/portal/pitch_preview.js``, given these numbers by the page) follow it.
"""

import math

SPEAKING_RATE_WPM = 150
ONE_BREATH_SECONDS = 8.0
ONE_BREATH_WORDS = math.floor(SPEAKING_RATE_WPM * ONE_BREATH_SECONDS / 60)


def word_count(text: str) -> int:
    """Words of a plain spoken text, split on white space."""
    return len((text or "").split())


def spoken_seconds(words: int) -> float:
    """Estimated speaking time of ``words`` words at ``SPEAKING_RATE_WPM``."""
    return words * 60 / SPEAKING_RATE_WPM


def fits_one_breath(words: int) -> bool:
    return words <= ONE_BREATH_WORDS


def limit_in_words() -> str:
    """The rule in words, e.g. "8 s, 20 words at 150 words a minute"."""
    rate = f"{SPEAKING_RATE_WPM} words a minute"
    return f"{ONE_BREATH_SECONDS:g} s, {ONE_BREATH_WORDS} words at {rate}"
