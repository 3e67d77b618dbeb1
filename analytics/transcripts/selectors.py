"""Reads of the transcripts page, every one scoped by store: the store's skill sessions (one
row per session, filtered and paged in the database) and one session turn by turn.

A session is the log rows (``skill.Interaction``) sharing a session id: Alexa's skill events
(no session) and ``CanFulfillIntentRequest`` probes are not part of one. The channel is the
log's ``source``: Alexa (``voice``), or the voice test console (``console``).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform

from catalog.models import Product
from merchant.models import Store
from orders.models import Customer, Order
from skill import intents
from skill.models import Interaction
from skill.outcomes import Outcome

from .. import words
from ..models import SessionReview

PAGE_SIZE = 25
ERROR_OUTCOMES = [Outcome.ERROR, Outcome.UNHANDLED, Outcome.MERCHANT_ERROR, "session_ended_error"]
DECLINED_OUTCOMES = [Outcome.DECLINED, Outcome.CARD_DECLINED]
PURCHASE_OUTCOMES = [
    Outcome.ORDER_PLACED,
    Outcome.CARD_ORDER_PLACED,
    "isp_Buy:ACCEPTED",
    "isp_Upsell:ACCEPTED",
]
UNMATCHED_OUTCOMES = [Outcome.FALLBACK, Outcome.CLARIFY_PRODUCT, Outcome.CLARIFY_ISP_PRODUCT]
ERRORS = Q(error_code__gt="") | Q(outcome__in=ERROR_OUTCOMES)
DECLINED = Q(outcome__in=DECLINED_OUTCOMES)
PURCHASES = Q(outcome__in=PURCHASE_OUTCOMES)
UNMATCHED = Q(outcome__in=UNMATCHED_OUTCOMES)
FLAGS = {"errors": ERRORS, "declined": DECLINED, "purchases": PURCHASES, "unmatched": UNMATCHED}


@dataclass
class SessionFilter:
    start: datetime
    stop: datetime
    locale: str = ""
    channel: str = "voice"  # "" for every channel
    words: str = ""  # unmatched words heard (the dashboard's "heard but not understood")
    search: str = ""  # an order number, or a customer's name or email
    flags: list[str] = field(default_factory=list)  # of FLAGS, and "review"


def _turns(store: Store) -> QuerySet[Interaction]:
    return (
        Interaction.objects.filter(store=store)
        .exclude(session_id="")
        .exclude(request_type="CanFulfillIntentRequest")
    )


def sessions(*, store: Store, filters: SessionFilter) -> QuerySet:
    """One row per session that had a turn in the range, newest first: its first and last
    turn, how many, the shopper, locale and channel, and how many turns were errors,
    declined payments, purchases or not understood. Three subqueries at most, one query."""
    rows = _turns(store).filter(created_at__gte=filters.start, created_at__lt=filters.stop)
    if filters.channel:
        rows = rows.filter(source=filters.channel)
    if filters.locale:
        rows = rows.filter(locale=filters.locale)
    wanted = _turns(store)
    if filters.words.split():
        # The dashboard shows the words with their spaces collapsed; they were logged as
        # Alexa heard them, so any run of spaces between (and around) them matches.
        spaced = r"\s+".join(re.escape(word) for word in filters.words.split())
        unmatched = (
            wanted.filter(UNMATCHED)
            .annotate(heard=KeyTextTransform(intents.PRODUCT_SLOT, "slots"))
            .filter(heard__iregex=rf"^\s*{spaced}\s*$")
        )
        rows = rows.filter(session_id__in=unmatched.values("session_id"))
    if filters.search:
        rows = rows.filter(session_id__in=_searched(store, filters.search).values("session_id"))
    if "review" in filters.flags:
        marked = SessionReview.objects.filter(store=store, needs_review=True)
        rows = rows.filter(session_id__in=marked.values("session_id"))
    found = (
        rows.values("session_id")
        .annotate(
            started=Min("created_at"),
            ended=Max("created_at"),
            turns=Count("pk"),
            customer=Max("customer_id"),
            locale_of=Max("locale"),
            channel=Max("source"),
            **{name: Count("pk", filter=q) for name, q in FLAGS.items()},
        )
        .order_by("-started", "session_id")
    )
    for name in filters.flags:
        if name in FLAGS:
            found = found.filter(**{f"{name}__gt": 0})
    return found


def _searched(store: Store, search: str) -> QuerySet[Interaction]:
    """Turns about the order numbered ``search``, or of the customers it names."""
    text = search.strip()
    order = Order.objects.filter(store=store, number=text).values("pk", "customer_id").first()
    if order is not None:
        return _turns(store).filter(Q(order_id=order["pk"]) | Q(customer_id=order["customer_id"]))
    customers = Customer.objects.filter(store=store).filter(
        Q(name__icontains=text) | Q(email__iexact=text)
    )
    return _turns(store).filter(customer__in=customers.values("pk"))


@dataclass
class SessionRow:
    session_id: str
    started: datetime
    ended: datetime
    turns: int
    customer: str
    locale: str
    channel: str
    errors: int
    declined: int
    purchases: int
    unmatched: int
    review: SessionReview | None


def session_page(*, store: Store, filters: SessionFilter, page: str | int = 1) -> tuple[Page, list]:
    """The page of sessions asked for, with each shopper's name and review mark (two
    queries for the page, whatever its size, besides the count and the rows)."""
    paginator = Paginator(sessions(store=store, filters=filters), PAGE_SIZE)
    found = paginator.get_page(page)
    items = list(found.object_list)
    customers = dict(
        Customer.objects.filter(
            store=store, pk__in={r["customer"] for r in items if r["customer"]}
        ).values_list("pk", "name")
    )
    reviews = {
        r.session_id: r
        for r in SessionReview.objects.filter(
            store=store, session_id__in=[r["session_id"] for r in items]
        )
    }
    rows = [
        SessionRow(
            session_id=r["session_id"],
            started=r["started"],
            ended=r["ended"],
            turns=r["turns"],
            customer=_customer_words(r["customer"], customers),
            locale=r["locale_of"],
            channel=CHANNELS.get(r["channel"], r["channel"]),
            errors=r["errors"],
            declined=r["declined"],
            purchases=r["purchases"],
            unmatched=r["unmatched"],
            review=reviews.get(r["session_id"]),
        )
        for r in items
    ]
    return found, rows


CHANNELS = {"voice": "Alexa", "console": "Voice test console"}


def _customer_words(customer_id, names: dict) -> str:
    if not customer_id:
        return "A new shopper (no customer yet)"
    return names.get(customer_id) or f"Shopper {customer_id}"


@dataclass
class TurnRow:
    at: datetime
    request: str  # what the shopper (or Alexa) did, in words
    request_type: str
    intent: str  # the intent's name, as Alexa sent it ("" for other requests)
    slots: dict  # as logged: slot name -> resolved id or the words heard
    heard: list[tuple[str, str]]  # slot name, value (a product's name when it was matched)
    reply: str
    directives: list[str]
    directive_codes: list[str]
    latency_ms: int
    outcome: str
    outcome_code: str
    error_code: str
    order: Order | None
    flags: list[str]


@dataclass
class Transcript:
    store: Store
    session_id: str
    customer: Customer | None
    locale: str
    channel: str
    turns: list[TurnRow]
    review: SessionReview | None
    orders: list[Order]

    @property
    def started(self) -> datetime:
        return self.turns[0].at


def transcript(*, store: Store, session_id: str) -> Transcript | None:
    """The session turn by turn (None when the store has no such session). Four queries:
    the turns with their shopper and order, the products named by id, the review."""
    rows = list(
        _turns(store)
        .filter(session_id=session_id)
        .select_related("customer", "order")
        .order_by("created_at", "pk")
    )
    if not rows:
        return None
    product_ids = {
        int(value)
        for row in rows
        for name, value in (row.slots or {}).items()
        if name == intents.PRODUCT_SLOT and str(value).isdigit()
    }
    products = dict(
        Product.objects.filter(store=store, pk__in=product_ids).values_list("pk", "name")
    )
    turns = [_turn(row, products) for row in rows]
    orders = {row.order.pk: row.order for row in rows if row.order is not None}
    customer = next((row.customer for row in reversed(rows) if row.customer is not None), None)
    return Transcript(
        store=store,
        session_id=session_id,
        customer=customer,
        locale=rows[0].locale,
        channel=CHANNELS.get(rows[0].source, rows[0].source),
        turns=turns,
        review=SessionReview.objects.filter(store=store, session_id=session_id).first(),
        orders=list(orders.values()),
    )


def _turn(row: Interaction, products: dict) -> TurnRow:
    heard = []
    for name, value in sorted((row.slots or {}).items()):
        text = str(value)
        if name == intents.PRODUCT_SLOT and text.isdigit() and int(text) in products:
            text = f"{products[int(text)]} (matched)"
        heard.append((words.intent_words(name), text))
    flags = [
        label
        for label, q in (
            ("error", ERRORS),
            ("declined", DECLINED),
            ("purchase", PURCHASES),
            ("not understood", UNMATCHED),
        )
        if _matches(row, q)
    ]
    return TurnRow(
        at=row.created_at,
        request=words.request_words(row.request_type, row.intent),
        request_type=row.request_type,
        intent=row.intent,
        slots=dict(row.slots or {}),
        heard=heard,
        reply=row.reply,
        directives=[words.directive_words(d) for d in row.directives or []],
        directive_codes=list(row.directives or []),
        latency_ms=row.latency_ms,
        outcome=words.outcome_words(row.outcome),
        outcome_code=row.outcome,
        error_code=row.error_code,
        order=row.order,
        flags=flags,
    )


def _matches(row: Interaction, flag: Q) -> bool:
    """``flag`` (one of the flags above) on a loaded row, as the database would decide it."""
    outcome = row.outcome
    if flag is ERRORS:
        return bool(row.error_code) or outcome in ERROR_OUTCOMES
    if flag is DECLINED:
        return outcome in DECLINED_OUTCOMES
    if flag is PURCHASES:
        return outcome in PURCHASE_OUTCOMES
    return outcome in UNMATCHED_OUTCOMES


def transcript_steps(session: Transcript) -> list[dict]:
    """The session's turns as a certification case's steps: what Alexa sent (with the slot
    values as logged) and the answer the skill gave."""
    return [
        {
            "request_type": turn.request_type,
            "intent": turn.intent,
            "slots": dict(turn.slots),
            "expect_reply": turn.reply,
            "expect_directives": list(turn.directive_codes),
        }
        for turn in session.turns
    ]
