"""The dashboard's reads of the range's requests by the product words they carry: one pass
over the raw log's requests (grouped by the Product slot's words and the locale) answers the
Amazon Pay funnel, the products asked for (and asked for while unavailable) and the words
heard but not understood; then one query reads the products those words name, with the
"add as synonym" form's choices, and one the synonyms added since, each only when there is
something to look up. The page's pass (``conversation_reads.request_reads``) takes the
rolled-up days' words and funnels from the rollups and ends the same way
(``reads_from_rows``)."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.db.models.functions import Lower

from catalog.models import Product, ProductSynonym

from ..conversations import FUNNEL_STEPS as FUNNEL_STEPS  # where the dashboard finds them
from ..conversations import LAUNCH_OUTCOMES as LAUNCH_OUTCOMES
from ..conversations import (
    is_product_id,
    is_unheard,
    request_groups,
    words_key,
)
from ..raw import session_requests
from .reads_base import TOP, TOP_WORDS


@dataclass
class UnheardWords:
    words: str  # as heard, spaces collapsed, lower case
    locale: str
    times: int
    synonym_of: str = ""  # the product it names now, once added


@dataclass(frozen=True)
class AskedProduct:
    label: str  # the product's name, or the words heard in quotes
    product_id: int | None
    times: int
    stock: int | None = None
    active: bool = True


@dataclass(frozen=True)
class Asked:
    most: list  # [AskedProduct]: what shoppers asked for most
    unavailable: list  # [AskedProduct]: asked for while out of stock or not for sale


@dataclass(frozen=True)
class RequestReads:
    funnel: dict[str, int]  # Amazon Pay: turns that reached each of FUNNEL_STEPS
    asked: Asked
    unheard: list[UnheardWords]
    synonym_choices: list[tuple[int, str]]  # the active products by name; [] without unheard


def request_reads(store, start: datetime, stop: datetime) -> RequestReads:
    """The funnel, the products asked for and the words not understood in [start, stop), in
    one to three queries (see the module's docstring)."""
    rows = request_groups(session_requests(store, start, stop))
    return reads_from_rows(
        store,
        ((words, locale, counts) for words, locale, *counts in rows),
        dict.fromkeys(FUNNEL_STEPS, 0),
    )


def reads_from_rows(
    store, rows: Iterable[tuple[str | None, str, list[int]]], funnel: dict[str, int]
) -> RequestReads:
    """``RequestReads`` from rows of (words or None, locale, [funnel step counts..., asked,
    unavailable, unheard]) added to ``funnel``: the raw log's requests grouped by their
    words, or the rollups' words (already as ``words_key`` gives them)."""
    funnel = dict(funnel)
    most: Counter = Counter()
    unavailable: Counter = Counter()
    unheard: Counter = Counter()
    for words, locale, counts in rows:
        *steps, asked_n, unavailable_n, unheard_n = counts
        for step, n in zip(FUNNEL_STEPS, steps, strict=True):
            funnel[step] += n
        if words is None:
            continue
        key = words_key(words)
        if asked_n:
            most[key] += asked_n
        if unavailable_n:
            unavailable[key] += unavailable_n
        if unheard_n and is_unheard(key):
            unheard[(key, locale)] += unheard_n
    top = sorted(unheard.items(), key=lambda item: (-item[1], item[0]))[:TOP_WORDS]
    found = [UnheardWords(words, locale, n) for (words, locale), n in top]
    ids = {int(v) for v in [*most, *unavailable] if is_product_id(v)}
    products, choices = _products(store, ids, choices=bool(found))
    if found:
        _name_synonyms(store, found)
    return RequestReads(
        funnel,
        Asked(_listed(most, products), _listed(unavailable, products)),
        found,
        choices,
    )


def _products(
    store, ids: set[int], *, choices: bool
) -> tuple[dict[int, tuple[str, int | None, bool]], list[tuple[int, str]]]:
    """The products ``ids`` ({pk: (name, stock, active)}) and, with ``choices``, the store's
    active products by name, in one query (none when neither is wanted)."""
    if not ids and not choices:
        return {}, []
    wanted = Q(pk__in=ids) | Q(active=True) if choices else Q(pk__in=ids)
    rows = (
        Product.objects.filter(wanted, store=store)
        .order_by("name")
        .values_list("pk", "name", "stock", "active")
    )
    products, active = {}, []
    for pk, name, stock, is_active in rows:
        if pk in ids:
            products[pk] = (name, stock, is_active)
        if choices and is_active:
            active.append((pk, name))
    return products, active


def _listed(counted: Counter, products: dict) -> list[AskedProduct]:
    found = []
    for value, n in counted.items():
        if is_product_id(value) and int(value) in products:
            name, stock, active = products[int(value)]
            found.append(AskedProduct(name, int(value), n, stock, active))
        elif not is_product_id(value):
            found.append(AskedProduct(f"“{value}”", None, n))
    return sorted(found, key=lambda a: (-a.times, a.label))[:TOP]


def _name_synonyms(store, found: list[UnheardWords]) -> None:
    """Each of ``found`` with the product it names now, if it was added as a synonym (of its
    locale, or of every locale)."""
    synonyms = (
        ProductSynonym.objects.filter(store=store)
        .annotate(lowered=Lower("value"))
        .filter(lowered__in=sorted({w.words for w in found}))
        .values_list("lowered", "locale", "product__name")
    )
    named = {}
    for words, locale, product in synonyms:
        named[(words, locale)] = product
    for item in found:
        item.synonym_of = named.get((item.words, item.locale)) or named.get((item.words, ""), "")


def amazon_pay_funnel(store, start: datetime, stop: datetime) -> dict[str, int]:
    """Turns that reached each of ``FUNNEL_STEPS``."""
    return request_reads(store, start, stop).funnel


def unheard_words(store, start: datetime, stop: datetime) -> list[UnheardWords]:
    """The words shoppers used for a product that matched none (the Product slot of an order
    or product question holds the words, not an id, and the skill had to ask which product),
    most heard first; with the product they name now if they were added as a synonym."""
    return request_reads(store, start, stop).unheard


def asked_products(store, start: datetime, stop: datetime) -> Asked:
    """Products named in order and product questions, and those asked for while out of stock
    or not for sale."""
    return request_reads(store, start, stop).asked


def synonym_choices(store) -> list[tuple[int, str]]:
    return list(
        Product.objects.filter(store=store, active=True).order_by("name").values_list("pk", "name")
    )
