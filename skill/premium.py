"""Premium content and in-skill purchasing for the skill's handlers.

What the shopper owns is asked of Amazon's Monetization API once per session (and again after
a purchase result) and recorded by ``isp.services``; the other turns of the session read the
records (``Premium.load``). Content is picked here (fresh free or owned items first, a unit
spent for consumable content, a suggestion when the free part is used up), the suggestion
policy applied (``upsell_choice``), and the ``Connections.SendRequest`` directives built.
Session attributes are never trusted for any of it.
"""

from dataclasses import dataclass, field

from ask_sdk_model.interfaces.connections import SendRequestDirective

from isp import monetization
from isp import selectors as isp_selectors
from isp import services as isp_services
from isp.facts import DirectiveName, ProductType
from isp.models import ContentAccess
from isp.sandbox import sandbox_learn_token

from . import envelope
from .envelope import MATCH, NO_MATCH, WORDS, resolution
from .speech import ssml_escape
from .turn import Turn


def isp_store(turn: Turn) -> bool:
    """The store's skill offers premium content or in-skill products."""
    return bool(getattr(turn.store, "isp_enabled", False))


@dataclass
class Premium:
    """One turn's view: the store's products, what the shopper owns, their session state."""

    products: list
    states: monetization.ProductsResult
    state: object | None  # isp.models.IspShopperState
    session_id: str
    balances: dict = field(default_factory=dict)

    def state_of(self, product):
        for state in self.states.products:
            if state.product_id == product.amazon_product_id:
                return state
        return None

    def owns(self, product) -> bool:
        """Entitled to a one-time product or subscription (consumables are counted)."""
        state = self.state_of(product)
        return bool(state and state.entitled and product.type != ProductType.CONSUMABLE)

    def subscriber(self) -> bool:
        return any(self.owns(p) for p in self.products if p.type == ProductType.SUBSCRIPTION)

    def purchasable(self, product) -> bool:
        state = self.state_of(product)
        return product.purchasable and (state is None or state.purchasable)


def load(handler_input, turn: Turn, *, refresh: bool = False, continues: str = "") -> Premium:
    """The turn's ``Premium``; the Monetization API is asked at a session's first need and
    when ``refresh`` (a purchase result came back: ``continues`` names the session the
    purchase dialogue interrupted), never more than once a turn."""
    if turn.isp is not None and not refresh:
        return turn.isp
    request_envelope = handler_input.request_envelope
    customer = turn.customer
    session = envelope.session_id(request_envelope)
    products = isp_selectors.store_products(store=turn.store)
    state = isp_selectors.shopper_state(customer=customer)
    if not refresh and state is not None and session and state.session_id == session:
        states = monetization.products_from_records(
            products=products,
            observed=isp_selectors.observed_entitlements(customer=customer),
            available=state.available,
            locale=turn.locale,
        )
    else:
        token = envelope.api_access_token(request_envelope)
        sandbox_learn_token(
            store=turn.store, user_id=customer.alexa_user_id, api_access_token=token
        )
        states = monetization.fetch_in_skill_products(
            store=turn.store,
            api_endpoint=envelope.api_endpoint(request_envelope),
            api_access_token=token,
            locale=turn.locale,
        )
        state = isp_services.shopper_state_refresh(
            customer=customer, session_id=session, result=states, continues=continues
        )
    turn.isp = Premium(products=products, states=states, state=state, session_id=session)
    return turn.isp


def balance(turn: Turn, premium: Premium, product) -> int:
    if product.pk not in premium.balances:
        premium.balances[product.pk] = isp_selectors.consumable_balance(
            customer=turn.customer, product=product
        )
    return premium.balances[product.pk]


# Naming products -------------------------------------------------------------------------------


def product_named(turn: Turn, premium: Premium, slot_) -> tuple[object | None, str]:
    """The product a ``ProductName`` slot (or a physical ``Product`` slot's words) names:
    (product, status) with status "match", "unknown" (words heard, nothing matched) or
    "missing"."""
    status, entity_id = resolution(slot_)
    if status == MATCH:
        for product in premium.products:
            if product.reference_name.lower() == (entity_id or "").lower():
                return product, "match"
        return None, "unknown"
    if status in (NO_MATCH, WORDS) and slot_ is not None and slot_.value:
        product = product_for_words(turn, premium.products, slot_.value)
        return product, "match" if product else "unknown"
    return None, "missing"


def product_for_words(turn: Turn, products, words: str):
    """The product whose name (or a keyword) the shopper said, ignoring case and "the"."""
    said = _normalize(words)
    if not said:
        return None
    for product in products:
        texts = product.texts(turn.locale)
        names = [product.reference_name.replace("_", " ")]
        if texts is not None:
            names += [texts.name, *(texts.keywords or [])]
        if said in {_normalize(n) for n in names}:
            return product
    return None


def _normalize(text: str) -> str:
    words = (text or "").lower().replace("_", " ").split()
    while words and words[0] in ("the", "a", "an", "my", "die", "der", "das", "den", "mein"):
        words = words[1:]
    return " ".join(words)


def name(turn: Turn, product) -> str:
    return product.name(turn.locale)


def names(turn: Turn, products) -> list[str]:
    return [name(turn, p) for p in products]


def for_sale(premium: Premium) -> list:
    """What the shopper can buy now: purchasable, not owned (consumables always)."""
    return [p for p in premium.products if premium.purchasable(p) and not premium.owns(p)]


def refundable(turn: Turn, premium: Premium) -> list:
    """One-time products owned and consumables with a purchase on record."""
    out = []
    for product in premium.products:
        state = premium.state_of(product)
        if product.type == ProductType.ENTITLEMENT and premium.owns(product):
            out.append(product)
        elif product.type == ProductType.CONSUMABLE and state and state.active_entitlement_count:
            out.append(product)
    return out


def subscriptions_owned(premium: Premium) -> list:
    return [p for p in premium.products if p.type == ProductType.SUBSCRIPTION and premium.owns(p)]


# Content -------------------------------------------------------------------------------------


@dataclass
class Pick:
    item: object | None = None  # the item to play (None: nothing playable)
    spend: bool = False  # play it by spending one consumable unit
    repeat: bool = False  # every playable item was heard recently: this is the least recent
    extenders: list = field(default_factory=list)  # products that would open more


def collection_for(turn: Turn, premium: Premium, slot_):
    """The collection the shopper asked for, else the one they were listening to, else the
    store's first."""
    status, entity_id = resolution(slot_)
    heard = slot_ is not None and bool(slot_.value)
    current = premium.state.collection if premium.state is not None else None
    if status != MATCH and not heard and current is not None and current.active:
        return current
    collections = isp_selectors.active_collections(store=turn.store)
    if status == MATCH:
        for collection in collections:
            if str(collection.pk) == entity_id:
                return collection
    if heard:
        said = _normalize(slot_.value).rstrip("s")
        for collection in collections:
            if _normalize(collection.spoken_name).rstrip("s").endswith(said):
                return collection
    if current is not None and current.active:
        return current
    return collections[0] if collections else None


def pick_content(turn: Turn, premium: Premium, collection) -> Pick:
    """Fresh free or owned items first (in the owner's order), then consumable items while
    units last; when the free part is used up, what would open more, and an item to repeat."""
    items = isp_selectors.collection_items(collection=collection)
    recent = isp_selectors.recently_played(customer=turn.customer)
    access = {i.pk: isp_selectors.content_access(item=i, states=premium.states) for i in items}
    openable = [i for i in items if access[i.pk] == "open"]
    for item in openable:
        if item.pk not in recent:
            return Pick(item=item)
    # The free and owned part is heard: units of a consumable (balances read only now).
    spendable, extenders = [], []
    for item in items:
        if access[item.pk] == "spend" and balance(turn, premium, item.product) > 0:
            spendable.append(item)
        elif access[item.pk] != "open":
            extenders += _extenders(premium, item)
    extenders = list(dict.fromkeys(extenders))
    for item in sorted(spendable, key=lambda i: -recent.get(i.pk, len(recent) + 1)):
        return Pick(item=item, spend=True, extenders=extenders)
    if extenders:  # the caller suggests one, or repeats ``least_recent_open``
        return Pick(extenders=extenders)
    if openable:  # everything was heard recently: the one heard longest ago
        oldest = max(openable, key=lambda i: recent.get(i.pk, len(recent) + 1))
        return Pick(item=oldest, repeat=True)
    return Pick()


def _extenders(premium: Premium, item) -> list:
    if item.access == ContentAccess.SUBSCRIPTION:
        return [p for p in premium.products if p.type == ProductType.SUBSCRIPTION]
    if item.product is not None:
        subs = [p for p in premium.products if p.type == ProductType.SUBSCRIPTION]
        return [item.product, *subs] if item.access == ContentAccess.ONE_TIME else [item.product]
    return []


def least_recent_open(turn: Turn, premium: Premium, collection):
    items = isp_selectors.collection_items(collection=collection)
    recent = isp_selectors.recently_played(customer=turn.customer)
    playable = [
        i for i in items if isp_selectors.content_access(item=i, states=premium.states) == "open"
    ]
    return max(playable, key=lambda i: recent.get(i.pk, len(recent) + 1), default=None)


def play(turn: Turn, premium: Premium, item, *, spend: bool) -> tuple[str, int | None]:
    """Record the play (spending a unit when asked) and return the item's SSML and the
    units left. Raises ``isp.errors.IspError`` (NO_UNITS_LEFT) when another device spent
    the last unit first."""
    left = isp_services.content_play_record(
        customer=turn.customer, item=item, session_id=premium.session_id, spend=spend
    )
    if spend:
        premium.balances[item.product_id] = left
    state = premium.state
    if state is None or state.collection_id != item.collection_id:
        isp_services.shopper_state_set(customer=turn.customer, collection=item.collection)
    text = ssml_escape(item.text_for(turn.locale))
    if item.audio_url:
        src = ssml_escape(item.audio_url).replace('"', "&quot;")
        text += f' <audio src="{src}"/>'
    return text, left


def content_for_product(turn: Turn, premium: Premium, product):
    """After a purchase: (collection, pick) of something the product opens, heard longest ago
    (the collection the shopper was in first); (None, empty pick) when it opens nothing."""
    collections = isp_selectors.active_collections(store=turn.store)
    current = premium.state.collection if premium.state is not None else None
    if current is not None:
        collections = [current] + [c for c in collections if c.pk != current.pk]
    recent = isp_selectors.recently_played(customer=turn.customer)
    for collection in collections:
        opened = []
        for item in isp_selectors.collection_items(collection=collection):
            if item.access == ContentAccess.FREE or product not in _extenders(premium, item):
                continue
            access = isp_selectors.content_access(item=item, states=premium.states)
            if access == "open" or (access == "spend" and balance(turn, premium, item.product) > 0):
                opened.append((item, access == "spend"))
        if opened:  # what the product itself is for first, then what was heard longest ago
            item, spend = max(
                opened,
                key=lambda o: (_made_for(o[0], product), recent.get(o[0].pk, len(recent) + 1)),
            )
            return collection, Pick(item=item, spend=spend)
    return None, Pick()


def _made_for(item, product) -> bool:
    if product.type == ProductType.SUBSCRIPTION:
        return item.access == ContentAccess.SUBSCRIPTION
    return item.product_id == product.pk


# Suggestions ---------------------------------------------------------------------------------


def upsell_choice(turn: Turn, premium: Premium, candidates) -> object | None:
    """The one product to suggest now, or None. The store's policy: at most its suggestions
    per session (default one), never an owned or not purchasable product, never one declined
    within its cooldown, and the one suggested longest ago (or never) first. A product held
    back for the session limit or the cooldown is counted as suppressed."""
    if not premium.states.available:
        return None
    candidates = [
        p
        for p in dict.fromkeys(candidates)
        if premium.purchasable(p) and not premium.owns(p) and not _has_units(turn, premium, p)
    ]
    if not candidates:
        return None
    customer = turn.customer
    declined = isp_selectors.declined_recently(customer=customer, products=candidates)
    limit = isp_selectors.upsell_settings(turn.store)
    state = premium.state
    continued = (
        state.continues_session_id if state and state.session_id == premium.session_id else ""
    )
    used = isp_selectors.upsells_in_session(
        customer=customer, session_ids=[premium.session_id, continued]
    )
    allowed = [p for p in candidates if p.pk not in declined]
    if not allowed or used >= limit:
        reason = "per_session" if used >= limit else "cooldown"
        isp_services.upsell_event_record(
            customer=customer,
            product=(allowed or candidates)[0],
            kind="suppressed",
            reason=reason,
            session_id=premium.session_id,
        )
        return None
    offered = isp_selectors.last_offered(customer=customer)
    return min(
        allowed, key=lambda p: (p.pk in offered, offered.get(p.pk, 0) and offered[p.pk].timestamp())
    )


def _has_units(turn: Turn, premium: Premium, product) -> bool:
    return product.type == ProductType.CONSUMABLE and balance(turn, premium, product) > 0


# Directives ----------------------------------------------------------------------------------


def send(handler_input, turn: Turn, premium: Premium, name: str, product, *, message: str = ""):
    """Hand the shopper to Amazon's purchase dialogue: record the attempt (its token and the
    resume point) and return the directive alone; the session ends until Alexa comes back
    with ``Connections.Response``."""
    collection = premium.state.collection if premium.state is not None else None
    attempt = isp_services.purchase_attempt_start(
        customer=turn.customer,
        product=product,
        name=name,
        locale=turn.locale,
        resume={
            "session": premium.session_id,
            **({"collection": collection.pk} if collection is not None else {}),
        },
        session_id=premium.session_id,
    )
    payload = {"InSkillProduct": {"productId": product.amazon_product_id}}
    if name == DirectiveName.UPSELL:
        payload["upsellMessage"] = message
    builder = handler_input.response_builder
    builder.add_directive(
        SendRequestDirective(name=str(name), payload=payload, token=attempt.token)
    )
    return builder.set_should_end_session(True).response
