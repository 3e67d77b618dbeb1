"""What a shopper owns, for the skill's in-skill purchasing handlers.

What the shopper owns is asked of Amazon's Monetization API once per session (and again after
a purchase result) and recorded by ``isp.services``; the other turns of the session read the
records (``load``). Here too: naming products from slots, and what can be bought, returned
or cancelled. Content is picked in ``skill.content``; suggestions and the purchase
directives are in ``skill.selling``. Session attributes are never trusted for any of it.
"""

from dataclasses import dataclass, field

from isp import experiments as isp_experiments
from isp import monetization
from isp import selectors as isp_selectors
from isp import services as isp_services
from isp.facts import ProductType
from isp.models import arm_for
from isp.sandbox import sandbox_learn_token

from . import envelope
from .envelope import MATCH, NO_MATCH, WORDS, resolution
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
    _experiments: dict | None = None

    def experiments(self, turn: Turn) -> dict:
        """Running upsell experiments by product id (read when a suggestion is considered)."""
        if self._experiments is None:
            self._experiments = isp_experiments.running_experiments(store=turn.store)
        return self._experiments

    def arm(self, turn: Turn, product) -> tuple[object | None, str]:
        """(experiment, arm) the shopper is in for ``product`` (None, "") when none runs."""
        experiment = self.experiments(turn).get(product.pk)
        if experiment is None:
            return None, ""
        return experiment, arm_for(experiment.pk, turn.customer.alexa_user_id)

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
