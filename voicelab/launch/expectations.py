"""What a certification case is and how it reads a conversation: ``Expect`` (expectations
in words; ``check`` notes one, ``require`` stops the case), ``Case``, ``Plan``, and helpers
that say something to the skill and read what it answered. The rows are in
``order_cases.py`` and ``isp_cases.py``; which apply to a store, in ``cases.py``."""

from collections.abc import Callable
from dataclasses import dataclass, field

from catalog.models import Product
from isp.models import (
    ContentCollection,
    InSkillProduct,
)
from merchant.models import Store
from skill import speech
from voicelab.console.matcher import Matcher

from .dialogue import Answer, Dialogue

AMAZON_PAY, ORDERS, ISP = "Amazon Pay", "Orders", "In-skill purchasing"
# Content asked for before a suggestion must have come: the collection's items, plus these.
EXTRA_CONTENT_TURNS = 3


class Stop(Exception):
    """A required expectation failed: the rest of the case cannot be played."""


class CannotRun(Exception):
    """No case can be played for the store (the reason is for the owner)."""


@dataclass
class Expect:
    """The expectations of one case, each in words, with what happened instead."""

    items: list[dict] = field(default_factory=list)

    def check(self, ok, text: str, got: str = "") -> bool:
        self.items.append({"text": text, "passed": bool(ok), "got": "" if ok else got})
        return bool(ok)

    def require(self, ok, text: str, got: str = "") -> None:
        if not self.check(ok, text, got):
            raise Stop(text)

    def failures(self) -> list[str]:
        return [
            f"{item['text']}: {item['got']}" if item["got"] else item["text"]
            for item in self.items
            if not item["passed"]
        ]


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    row: str  # what certification asks, after the 2019 guide
    group: str
    play: Callable[["Plan", Dialogue, Expect], None]
    consent: str = "GRANTED"  # the Amazon Pay permission the test shopper has granted
    skipped: str = ""  # why the case cannot be played for this store ("" when it can)


@dataclass
class Plan:
    """What the cases need to know about the store, read once per run."""

    store: Store
    locale: str
    skill_id: str
    matcher: Matcher
    goods: Product | None = None
    goods_words: str = ""  # how the shopper names it (a value of the exported model)
    isp_products: list[tuple[InSkillProduct, str]] = field(default_factory=list)
    collections: list[tuple[ContentCollection, str]] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows that do not apply, and why

    def money(self, amount) -> str:
        return speech.money(amount, self.store.currency, self.locale)

    def product_name(self, product: InSkillProduct) -> str:
        return product.name(self.locale)

    def first_isp(self, *types: str) -> tuple[InSkillProduct, str] | None:
        return next(((p, w) for p, w in self.isp_products if p.type in types), None)


# Reading what happened --------------------------------------------------------------------


def heard(answer: Answer | None) -> str:
    """The answer as a tester notes it."""
    if answer is None:
        return "Alexa did not answer"
    said = f'Alexa said "{answer.speech}"' if answer.speech else "Alexa said nothing"
    names = [d.get("name") or d.get("type") or "?" for d in answer.directives]
    if names:
        said += f" and sent {', '.join(names)}"
    return f"{said}; the session {'stays open' if answer.session_open else 'ends'}"


def contains(text: str, phrase: str) -> bool:
    return " ".join(phrase.lower().split()) in " ".join(text.lower().split())


def say(
    plan: Plan, d: Dialogue, x: Expect, text: str, intent: str, *, ask=False, note=False
) -> Answer:
    """The shopper's words, which the store's interaction model must send to ``intent``
    (noted as an expectation when ``note``, else only when it does not)."""
    answer = d.ask(text) if ask else d.say(text)
    assert d.understood is not None  # set by ask() and say()
    understood = d.understood.intent
    if note or understood != intent:
        x.require(
            understood == intent,
            f'The interaction model sends "{text}" to {intent}',
            f"it matched {understood}" if understood else "it opened the skill",
        )
    return answer


def open_skill(plan: Plan, d: Dialogue, x: Expect) -> Answer:
    answer = d.open()
    x.require(
        answer.speech and answer.session_open,
        f'"open {plan.matcher.invocation_name}" opens the skill, which greets the shopper and '
        "waits for an answer",
        heard(answer),
    )
    return answer
