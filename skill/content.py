"""Premium content for the skill's handlers: which item to play (fresh free or owned items
first, then consumable items while units last, then what would open more), playing it (a
unit spent under a row lock), and what a product just bought opens."""

from dataclasses import dataclass, field

from ask_sdk_model import Slot

from isp import selectors as isp_selectors
from isp import services as isp_services
from isp.facts import ProductType
from isp.models import ContentAccess, ContentCollection, ContentItem, InSkillProduct

from .envelope import MATCH, resolution
from .premium import balance, normalize
from .speech import ssml_escape
from .turn import Premium, Turn

# Content -------------------------------------------------------------------------------------


@dataclass
class Pick:
    item: ContentItem | None = None  # the item to play (None: nothing playable)
    spend: bool = False  # play it by spending one consumable unit
    repeat: bool = False  # every playable item was heard recently: this is the least recent
    # Products that would open more.
    extenders: list[InSkillProduct] = field(default_factory=list)


def collection_for(turn: Turn, premium: Premium, slot_: Slot | None) -> ContentCollection | None:
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
    if slot_ is not None and slot_.value:  # heard
        said = normalize(slot_.value).rstrip("s")
        for collection in collections:
            if normalize(collection.spoken_name).rstrip("s").endswith(said):
                return collection
    if current is not None and current.active:
        return current
    return collections[0] if collections else None


def pick_content(turn: Turn, premium: Premium, collection: ContentCollection) -> Pick:
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
    spendable: list[ContentItem] = []
    extenders: list[InSkillProduct] = []
    for item in items:
        product = item.product
        if (
            access[item.pk] == "spend"
            and product is not None
            and balance(turn, premium, product) > 0
        ):
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


def _extenders(premium: Premium, item: ContentItem) -> list[InSkillProduct]:
    if item.access == ContentAccess.SUBSCRIPTION:
        return [p for p in premium.products if p.type == ProductType.SUBSCRIPTION]
    if item.product is not None:
        subs = [p for p in premium.products if p.type == ProductType.SUBSCRIPTION]
        return [item.product, *subs] if item.access == ContentAccess.ONE_TIME else [item.product]
    return []


def least_recent_open(
    turn: Turn, premium: Premium, collection: ContentCollection
) -> ContentItem | None:
    items = isp_selectors.collection_items(collection=collection)
    recent = isp_selectors.recently_played(customer=turn.customer)
    playable = [
        i for i in items if isp_selectors.content_access(item=i, states=premium.states) == "open"
    ]
    return max(playable, key=lambda i: recent.get(i.pk, len(recent) + 1), default=None)


def play(turn: Turn, premium: Premium, item: ContentItem, *, spend: bool) -> tuple[str, int | None]:
    """Record the play (spending a unit when asked) and return the item's SSML and the
    units left. Raises ``isp.errors.IspError`` (NO_UNITS_LEFT) when another device spent
    the last unit first."""
    left = None
    customer = turn.customer
    if customer is not None:  # a request naming no user hears it; nothing is recorded
        left = isp_services.content_play_record(
            customer=customer, item=item, session_id=premium.session_id, spend=spend
        )
        if left is not None:  # a unit was spent
            assert item.product_id is not None  # consumable content names its product
            premium.balances[item.product_id] = left
        state = premium.state
        if state is None or state.collection_id != item.collection_id:
            isp_services.shopper_state_set(customer=customer, collection=item.collection)
    text = ssml_escape(item.text_for(turn.locale))
    if item.audio_url:
        src = ssml_escape(item.audio_url).replace('"', "&quot;")
        text += f' <audio src="{src}"/>'
    return text, left


def content_for_product(
    turn: Turn, premium: Premium, product: InSkillProduct
) -> tuple[ContentCollection | None, Pick]:
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
            if access == "open" or (
                access == "spend"
                and item.product is not None
                and balance(turn, premium, item.product) > 0
            ):
                opened.append((item, access == "spend"))
        if opened:  # what the product itself is for first, then what was heard longest ago
            item, spend = max(
                opened,
                key=lambda o: (_made_for(o[0], product), recent.get(o[0].pk, len(recent) + 1)),
            )
            return collection, Pick(item=item, spend=spend)
    return None, Pick()


def _made_for(item: ContentItem, product: InSkillProduct) -> bool:
    if product.type == ProductType.SUBSCRIPTION:
        return item.access == ContentAccess.SUBSCRIPTION
    return item.product_id == product.pk
