"""In-skill products and content collections as slot type values (``IN_SKILL_PRODUCT``,
``CONTENT_COLLECTION``), read once per export like the catalog in ``catalog.py``.

An in-skill product becomes one ``IN_SKILL_PRODUCT`` value whether or not it is still
purchasable (owners still ask about, use, cancel or return what they have): the reference
name as the id, so entity resolution hands the skill the name its code and Amazon use; the
product's name in the locale as the value (the store's default locale's, else the first
written, where the locale has none). Synonyms: the localization's keywords; the product as
its example phrases name it ("buy the pro pack" -> "pro pack": Amazon's example phrases are
what shoppers are told to say, so they must resolve); and obvious variants of each (no
leading article, the last word singular or plural, a hyphenated word split or joined).

An active content collection becomes one ``CONTENT_COLLECTION`` value: ``str(pk)`` as the id,
its spoken name as the value, and singular and plural forms of it and of its last word
("shaving tips": "shaving tip", "tip", "tips") as synonyms.

Generated synonyms never make a slot ambiguous. Left out: a physical product's or category's
phrase, a number word, a filler word ("it", "more", "subscription"); a form of another
value's own name (the name and its variants beat keywords and example phrases; a variant
two names share goes to neither). Any other phrase several values would share goes to
nobody, except that one shared by exactly one consumable goes to the consumable ("how many
sessions do I have left", "buy more sessions" count a consumable's units). A value itself
is never dropped: a clash there is the owner's to fix, and the package validation names it.
"""

import re
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from isp.facts import ProductType
from isp.models import ContentCollection, InSkillProduct
from merchant.models import Store
from voicelab.package.catalog import Entity
from voicelab.package.samples import NUMBER_WORDS, language
from voicelab.package.utterances import normalize

MAX_SYNONYM_CHARS = 140

_ARTICLES = {
    "en": ("the", "a", "an", "some", "more", "my"),
    "de": ("der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "mehr"),
}
# Words that name no product on their own, or that would turn another intent's fixed phrase
# ("cancel my subscription", "abo kündigen") into an in-skill product request.
_NOT_A_NAME = {
    "en": {
        "all",
        "it",
        "one",
        "ones",
        "again",
        "order",
        "orders",
        "subscription",
        "membership",
        "refund",
        "something",
        "premium",
        "more",
    },
    "de": {"alle", "alles", "abo", "bestellung", "mitgliedschaft", "etwas", "noch", "premium"},
}
# How example phrases introduce the product ("buy the pro pack", "tritt dem Rasur-Club bei").
_EXAMPLE_PHRASE = {
    "en": [
        re.compile(
            r"^(?:i want to buy|i want to subscribe to|i'd like to buy|subscribe to|sign up for|"
            r"upgrade to|what is in|what's in|tell me about|what is|purchase|unlock|join|buy|"
            r"get|try)\s+(?P<name>.+)$"
        )
    ],
    "de": [
        re.compile(r"^tritt\s+(?P<name>.+)\s+bei$"),
        re.compile(r"^schalte\s+(?P<name>.+)\s+frei$"),
        re.compile(r"^(?:kaufe|kauf|hol mir|abonniere|was ist in|was ist)\s+(?P<name>.+)$"),
        re.compile(r"^(?:ich möchte\s+)?(?P<name>.+?)\s+(?:kaufen|abonnieren|freischalten|holen)$"),
    ],
}


def collection_slot_id(pk: int) -> str:
    """The ``CONTENT_COLLECTION`` id of a collection (what Alexa sends back)."""
    return str(pk)


def collection_pk(slot_id: str) -> int | None:
    """The collection a ``CONTENT_COLLECTION`` id names ("12"; "c12" is read too), or None."""
    digits = (slot_id or "").removeprefix("c")
    return int(digits) if digits.isdigit() else None


@dataclass
class PremiumSnapshot:
    """A store's in-skill products (texts and prices prefetched) and active collections."""

    store: Store
    products: list[InSkillProduct]
    collections: list[tuple[int, str, str]]  # pk, name, spoken name

    @classmethod
    def load(cls, store: Store) -> "PremiumSnapshot":
        products = list(
            InSkillProduct.objects.filter(store=store)
            .prefetch_related("localizations", "prices")
            .order_by("reference_name")
        )
        collections = list(
            ContentCollection.objects.filter(store=store, active=True)
            .order_by("position", "name", "pk")
            .values_list("pk", "name", "spoken_name")
        )
        return cls(store=store, products=products, collections=collections)

    @property
    def offers_premium(self) -> bool:
        """The skill gets the ISP and content intents."""
        return bool(self.products or self.collections)

    def localization(self, product: InSkillProduct, locale: str):
        """The product's texts in ``locale``, else the default locale's, else the first."""
        rows = sorted(product.localizations.all(), key=lambda row: row.pk)
        for wanted in (locale, self.store.default_locale):
            for row in rows:
                if row.locale == wanted:
                    return row
        return rows[0] if rows else None

    def names_by_type(self, locale: str) -> dict[str, list[str]]:
        """Product type -> the names of its products in ``locale`` (types in Amazon's order)."""
        names: dict[str, list[str]] = {kind: [] for kind in ProductType.values}
        for product in self.products:
            row = self.localization(product, locale)
            names[product.type].append(_clean(row.name) if row else product.reference_name)
        return {kind: found for kind, found in names.items() if found}

    def collection_names(self) -> list[str]:
        return [_clean(spoken) for _pk, _name, spoken in self.collections]

    def product_entities(
        self, locale: str, reserved: AbstractSet[str] = frozenset()
    ) -> list[Entity]:
        """``IN_SKILL_PRODUCT`` values; ``reserved``: normalized phrases of other slot types
        whose samples share frames with these (physical products and categories)."""
        values, names, candidates, consumables = [], {}, {}, set()
        for product in self.products:
            row = self.localization(product, locale)
            lang = language(row.locale) if row else language(locale)
            value = _clean(row.name) if row else product.reference_name.replace("_", " ")
            name_forms = _forms(value, lang)
            found = list(name_forms)
            for keyword in row.keywords if row else []:
                found += _forms(_clean(keyword), lang, plural=False)
            for named in _named_in(row, lang):
                found += _forms(_strip_articles(named, lang), lang)
            values.append((product, value))
            names[product.reference_name] = {normalize(form) for form in name_forms}
            candidates[product.reference_name] = _usable(value, found, lang, reserved)
            if product.type == ProductType.CONSUMABLE:
                consumables.add(product.reference_name)
        keep = _unambiguous(names, candidates, consumables)
        return [
            Entity(
                id=product.reference_name,
                value=value,
                synonyms=keep[product.reference_name],
                label=f"in-skill product {product.reference_name}",
            )
            for product, value in values
        ]

    def collection_entities(self, reserved: AbstractSet[str] = frozenset()) -> list[Entity]:
        """``CONTENT_COLLECTION`` values (collections have one spoken name for every locale,
        written in the store's default language)."""
        lang = language(self.store.default_locale)
        values, names, candidates = {}, {}, {}
        for pk, name, spoken in self.collections:
            value = _clean(spoken) or _clean(name)
            words = value.split()
            found = _forms(value, lang)
            names[collection_slot_id(pk)] = {normalize(form) for form in found}
            if len(words) > 1:
                found += _number_forms(words[-1], lang)
            values[collection_slot_id(pk)] = value
            candidates[collection_slot_id(pk)] = _usable(value, found, lang, reserved)
        keep = _unambiguous(names, candidates, set())
        return [
            Entity(
                id=collection_slot_id(pk),
                value=values[collection_slot_id(pk)],
                synonyms=keep[collection_slot_id(pk)],
                label=f'content collection "{name}"',
            )
            for pk, name, _spoken in self.collections
        ]


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _named_in(row, lang: str) -> list[str]:
    """The product as the localization's example phrases name it ("buy the pro pack")."""
    if row is None:
        return []
    found = []
    for phrase in row.example_phrases or []:
        text = _clean(phrase).rstrip(".!?")
        for pattern in _EXAMPLE_PHRASE.get(lang, []):
            match = pattern.match(text.lower())
            if match:
                start = match.start("name")
                found.append(text[start : start + len(match.group("name"))])
                break
    return found


def _strip_articles(phrase: str, lang: str) -> str:
    words = phrase.split()
    while len(words) > 1 and words[0].lower() in _ARTICLES.get(lang, ()):
        words = words[1:]
    return " ".join(words)


def _forms(phrase: str, lang: str, plural: bool = True) -> list[str]:
    """``phrase`` and its obvious variants, the phrase first: without a leading article, a
    hyphenated word split and joined, the last word singular and plural (a keyword, often
    an adjective or a verb, only gets the singular of what is plainly a plural). A phrase
    that names nothing ("it", "more", a number) has no variants either."""
    bare = _strip_articles(phrase, lang)
    if not bare or normalize(bare) in _unusable(lang):
        return [phrase] if phrase else []
    out = [phrase, bare]
    if "-" in bare:
        out += [bare.replace("-", " "), bare.replace("-", "")]
    words = bare.split()
    if "-" not in words[-1]:
        forms = _number_forms(words[-1], lang)
        if not plural:
            forms = forms[:1] if forms[0] != words[-1] else []
        out += [" ".join([*words[:-1], form]) for form in forms]
    return out


def _number_forms(word: str, lang: str) -> list[str]:
    """The word's singular and plural, singular first (English rules; German only where
    the ending says it: -ung/-ungen, -heit/-heiten, -e/-en, -s plurals)."""
    if lang == "en":
        singular = _english_singular(word)
        return [singular, word] if singular else [word, _english_plural(word)]
    if lang == "de":
        lower = word.lower()
        for one, many in (("ung", "ungen"), ("heit", "heiten"), ("keit", "keiten"), ("ur", "uren")):
            if lower.endswith(many):
                return [word[: -len(many)] + one, word]
            if lower.endswith(one):
                return [word, word + many[len(one) :]]
        if lower.endswith("en"):
            return [word[:-1], word]
        if lower.endswith("e"):
            return [word, word + "n"]
        if lower.endswith("s") and not lower.endswith("ss") and len(word) > 3:
            return [word[:-1], word]
    return [word]


def singular(phrase: str, lang: str) -> str:
    """``phrase`` with its last word singular ("sleep sessions" -> "sleep session")."""
    words = _clean(phrase).split()
    if not words or "-" in words[-1]:
        return _clean(phrase)
    return " ".join([*words[:-1], _number_forms(words[-1], lang)[0]])


def _english_singular(word: str) -> str:
    lower = word.lower()
    if len(word) > 4 and lower.endswith("ies"):
        return word[:-3] + "y"
    if lower.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if lower.endswith(("ss", "us", "is")) or not lower.endswith("s") or len(word) < 3:
        return ""
    return word[:-1]


def _english_plural(word: str) -> str:
    lower = word.lower()
    if lower.endswith("y") and len(word) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _usable(value: str, found: list[str], lang: str, reserved: AbstractSet[str]) -> list[str]:
    """Candidates in order, once each (case-insensitively), without the value itself or
    anything that names no product or belongs to another slot type."""
    seen, out = {value.lower()}, []
    unusable = _unusable(lang)
    for phrase in found:
        text = _clean(phrase)
        key = normalize(text)
        if (
            not key
            or len(key) < 2
            or len(text) > MAX_SYNONYM_CHARS
            or text.lower() in seen
            or key in unusable
            or set(key.split()) <= set(_ARTICLES.get(lang, ()))
            or key in reserved
        ):
            continue
        seen.add(text.lower())
        out.append(text)
    return out


def _unusable(lang: str) -> set[str]:
    return set(NUMBER_WORDS.get(lang, {})) | _NOT_A_NAME.get(lang, set())


def _unambiguous(
    names: dict[str, set[str]], candidates: dict[str, list[str]], preferred: set[str]
) -> dict[str, tuple[str, ...]]:
    """Each id's synonyms, none shared with another id. ``names``: the normalized forms of
    each id's own name, which beat every other source; a form two names share goes to
    neither. Any other shared phrase goes to nobody, or to the only ``preferred`` id among
    those claiming it."""
    named_by, claimed_by = defaultdict(set), defaultdict(set)
    for entity_id, keys in names.items():
        for key in keys:
            named_by[key].add(entity_id)
    for entity_id, found in candidates.items():
        for phrase in found:
            claimed_by[normalize(phrase)].add(entity_id)
    keep = {}
    for entity_id, found in candidates.items():
        kept = []
        for phrase in found:
            key = normalize(phrase)
            if named_by[key]:
                if named_by[key] != {entity_id}:
                    continue
            else:
                others = claimed_by[key] - {entity_id}
                if others and not (entity_id in preferred and not others & preferred):
                    continue
            kept.append(phrase)
        keep[entity_id] = tuple(kept)
    return keep
