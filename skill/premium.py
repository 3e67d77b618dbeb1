"""What a shopper owns, for the skill's in-skill purchasing handlers.

What the shopper owns is asked of Amazon's Monetization API once per session (and again after
a purchase result) and recorded by ``isp.services``; the other turns of the session read the
records (``load``). Here too: naming products from slots, and what can be bought, returned
or cancelled. Content is picked in ``skill.content``; suggestions and the purchase
directives are in ``skill.selling``. Session attributes are never trusted for any of it.
"""

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Slot

from isp import monetization
from isp import selectors as isp_selectors
from isp import services as isp_services
from isp.facts import ProductType
from isp.models import InSkillProduct

from . import envelope
from .envelope import MATCH, NO_MATCH, WORDS, resolution
from .turn import Premium, Turn


def isp_store(turn: Turn) -> bool:
    """The store's skill offers premium content or in-skill products."""
    return bool(getattr(turn.store, "isp_enabled", False))


def load(
    handler_input: HandlerInput, turn: Turn, *, refresh: bool = False, continues: str = ""
) -> Premium:
    """The turn's ``Premium``; the Monetization API is asked at a session's first need and
    when ``refresh`` (a purchase result came back: ``continues`` names the session the
    purchase dialogue interrupted), never more than once a turn."""
    if turn.isp is not None and not refresh:
        return turn.isp
    request_envelope = handler_input.request_envelope
    customer = turn.customer
    session = envelope.session_id(request_envelope)
    products = isp_selectors.store_products(store=turn.store)
    if customer is None:  # a request naming no user: nobody to ask Amazon about
        unknown = monetization.ProductsResult(available=False, reason="no user in the request")
        turn.isp = Premium(products=products, states=unknown, state=None, session_id=session)
        return turn.isp
    state = isp_selectors.shopper_state(customer=customer)
    if not refresh and state is not None and session and state.session_id == session:
        states = monetization.products_from_records(
            products=products,
            observed=isp_selectors.observed_entitlements(customer=customer),
            available=state.available,
            locale=turn.locale,
        )
    else:
        states = monetization.fetch_in_skill_products(
            store=turn.store,
            api_endpoint=envelope.api_endpoint(request_envelope),
            api_access_token=envelope.api_access_token(request_envelope),
            locale=turn.locale,
        )
        state = isp_services.shopper_state_refresh(
            customer=customer, session_id=session, result=states, continues=continues
        )
    turn.isp = Premium(products=products, states=states, state=state, session_id=session)
    return turn.isp


def balance(turn: Turn, premium: Premium, product: InSkillProduct) -> int:
    if product.pk not in premium.balances:
        premium.balances[product.pk] = isp_selectors.consumable_balance(
            customer=turn.customer, product=product
        )
    return premium.balances[product.pk]


# Naming products -------------------------------------------------------------------------------


def product_named(
    turn: Turn, premium: Premium, slot_: Slot | None
) -> tuple[InSkillProduct | None, str]:
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
        said = product_for_words(turn, premium.products, slot_.value)
        return said, "match" if said else "unknown"
    return None, "missing"


def product_for_words(
    turn: Turn, products: list[InSkillProduct], words: str
) -> InSkillProduct | None:
    """The product whose name (or a keyword) the shopper said, ignoring case and "the"."""
    said = normalize(words)
    if not said:
        return None
    for product in products:
        texts = product.texts(turn.locale)
        names = [product.reference_name.replace("_", " ")]
        if texts is not None:
            names += [texts.name, *(texts.keywords or [])]
        if said in {normalize(n) for n in names}:
            return product
    return None


def normalize(text: str) -> str:
    words = (text or "").lower().replace("_", " ").split()
    while words and words[0] in ("the", "a", "an", "my", "die", "der", "das", "den", "mein"):
        words = words[1:]
    return " ".join(words)


def name(turn: Turn, product: InSkillProduct) -> str:
    return product.name(turn.locale)


def names(turn: Turn, products: list[InSkillProduct]) -> list[str]:
    return [name(turn, p) for p in products]


def for_sale(premium: Premium) -> list[InSkillProduct]:
    """What the shopper can buy now: purchasable, not owned (consumables always)."""
    return [p for p in premium.products if premium.purchasable(p) and not premium.owns(p)]


def refundable(turn: Turn, premium: Premium) -> list[InSkillProduct]:
    """One-time products owned and consumables with a purchase on record."""
    out = []
    for product in premium.products:
        state = premium.state_of(product)
        if product.type == ProductType.ENTITLEMENT and premium.owns(product):
            out.append(product)
        elif product.type == ProductType.CONSUMABLE and state and state.active_entitlement_count:
            out.append(product)
    return out


def subscriptions_owned(premium: Premium) -> list[InSkillProduct]:
    return [p for p in premium.products if p.type == ProductType.SUBSCRIPTION and premium.owns(p)]
