"""The catalog as slot type values: one read of the store's catalog, shaped per locale.

A product becomes one value of the ``PRODUCT`` slot type: its name in the locale (the
localization's name where there is one, else the catalog name) as the value, its primary
key as the id (so entity resolution hands the skill the product id), and its spoken name,
catalog name and synonyms (the locale's own plus those for every locale) as synonyms.
Categories with at least one active product become ``CATEGORY`` values the same way.
"""

from collections import defaultdict
from dataclasses import dataclass

from catalog.models import (
    Category,
    CategoryLocalization,
    Product,
    ProductLocalization,
    ProductSynonym,
)
from merchant.models import Store

_ARTICLES = ("a ", "an ", "the ", "some ", "ein ", "eine ", "einen ", "der ", "die ", "das ")


@dataclass(frozen=True)
class Entity:
    """One slot type value: what Alexa resolves an utterance to."""

    id: str
    value: str
    synonyms: tuple[str, ...]
    label: str  # names the catalog row in error messages

    def phrases(self) -> tuple[str, ...]:
        return (self.value, *self.synonyms)


@dataclass
class CatalogSnapshot:
    """Plain rows of one store's active catalog (four queries, no per-row queries)."""

    products: list[tuple[int, str, str, str]]  # pk, name, spoken name, sku
    product_names: dict[int, dict[str, str]]  # pk -> locale -> localized name
    product_synonyms: dict[int, list[tuple[str, str]]]  # pk -> [(locale, value)]
    categories: list[tuple[int, str, str]]  # pk, name, spoken name
    category_names: dict[int, dict[str, str]]

    @classmethod
    def load(cls, store: Store) -> "CatalogSnapshot":
        products = list(
            Product.objects.filter(store=store, active=True)
            .order_by("category__position", "name", "pk")
            .values_list("pk", "name", "spoken_name", "sku", "category_id")
        )
        names: dict[int, dict[str, str]] = defaultdict(dict)
        for pk, locale, name in ProductLocalization.objects.filter(
            product__store=store, product__active=True
        ).values_list("product_id", "locale", "spoken_name"):
            names[pk][locale] = name
        synonyms: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for pk, locale, value in (
            ProductSynonym.objects.filter(product__store=store, product__active=True)
            .order_by("pk")
            .values_list("product_id", "locale", "value")
        ):
            synonyms[pk].append((locale, value))
        used_categories = {row[4] for row in products}
        categories = [
            row
            for row in Category.objects.filter(store=store)
            .order_by("position", "name", "pk")
            .values_list("pk", "name", "spoken_name")
            if row[0] in used_categories
        ]
        category_names: dict[int, dict[str, str]] = defaultdict(dict)
        for pk, locale, name in CategoryLocalization.objects.filter(
            category__store=store
        ).values_list("category_id", "locale", "spoken_name"):
            category_names[pk][locale] = name
        return cls(
            products=[row[:4] for row in products],
            product_names=names,
            product_synonyms=synonyms,
            categories=categories,
            category_names=category_names,
        )

    def product_entities(self, locale: str) -> list[Entity]:
        entities = []
        for pk, name, spoken_name, sku in self.products:
            localized = self.product_names.get(pk, {}).get(locale)
            value = _clean(localized or name)
            # Optional catalog fields are skipped when blank; a blank synonym row is an error.
            candidates = _present([] if localized else [spoken_name]) + _present([name])
            candidates += [v for loc, v in self.product_synonyms.get(pk, ()) if loc == locale]
            candidates += [v for loc, v in self.product_synonyms.get(pk, ()) if loc == ""]
            entities.append(
                Entity(
                    id=str(pk),
                    value=value,
                    synonyms=_distinct(value, candidates),
                    label=f'product "{name}" (SKU {sku})',
                )
            )
        return entities

    def category_entities(self, locale: str) -> list[Entity]:
        entities = []
        for pk, name, spoken_name in self.categories:
            localized = self.category_names.get(pk, {}).get(locale)
            value = _clean(_strip_article(localized) if localized else name)
            spoken = [localized] if localized else [spoken_name, _strip_article(spoken_name)]
            candidates = _present([*spoken, name])
            entities.append(
                Entity(
                    id=str(pk),
                    value=value,
                    synonyms=_distinct(value, candidates),
                    label=f'category "{name}"',
                )
            )
        return entities


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _present(texts: list[str]) -> list[str]:
    return [t for t in texts if t and t.strip()]


def _strip_article(text: str) -> str:
    text = _clean(text)
    lowered = text.lower()
    for article in _ARTICLES:
        if lowered.startswith(article) and len(text) > len(article):
            return text[len(article) :]
    return text


def _distinct(value: str, candidates: list[str]) -> tuple[str, ...]:
    """Synonyms in order, without repeats or the value itself.

    Blank synonyms are kept (as ``""``) so that validation can name them; everything
    else is compared case-insensitively, the way Alexa compares slot values.
    """
    seen = {value.lower()}
    out = []
    for raw in candidates:
        if raw is None:
            continue
        text = _clean(raw)
        key = text.lower()
        if text and key in seen:
            continue
        seen.add(key)
        out.append(text)
    return tuple(out)
