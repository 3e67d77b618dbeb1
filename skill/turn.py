"""``Turn``: what one request's handlers know besides the request itself.

``runtime.handle_envelope`` makes one per request and hands it to ask-sdk-core as the
skill's ``context``; the ``LoadShopper`` interceptor fills in the shopper; handlers read it
and write back what the turn did (``outcome``, ``error_code``) and whether the conversation
step must be saved. Every field is named and typed here: there is no side channel. So is
``Premium``, the turn's view of in-skill purchasing (``skill.premium`` fills it in).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType
from typing import Any, cast

from ask_sdk_core.handler_input import HandlerInput

from isp import experiments as isp_experiments
from isp.facts import ProductType
from isp.models import InSkillProduct, IspShopperState, UpsellExperiment, arm_for
from isp.monetization import IspProductState, ProductsResult
from merchant.models import Store
from orders.models import Customer, OrderLine, OrderSource
from shoppers.models import ShopperAccount

from . import speech
from .models import Conversation


class NoShopper(LookupError):
    """A handler needed the shopper of a request that names none (``Turn.shopper``)."""


@dataclass
class Turn:
    """The store, the shopper and their conversation, the voice, and what this turn did."""

    store: Store
    locale: str
    voice: ModuleType  # skill.speech.<locale>: every sentence the skill speaks
    source: str = OrderSource.VOICE
    customer: Customer | None = None
    # The web account the request's access token names (account linking); its customer is
    # ``customer``. None: not linked, or the token is unknown, expired or another store's.
    account: ShopperAccount | None = None
    scopes: frozenset[str] = frozenset()  # what the token allows: profile, cart, orders
    conversation: Conversation | None = None
    # The shopper was created by this very request (so they own nothing yet).
    new_customer: bool = False
    # Set at launch: the shopper has no kept order, so suggestions skip the ownership check.
    owns_nothing: bool = False
    # At launch: the lines of the shopper's latest kept order, read with the shopper (None:
    # not read).
    last_kept_lines: list[OrderLine] | None = None
    outcome: str = ""  # an ``outcomes.Outcome`` (or a composed label) for the interaction log
    error_code: str = ""
    save_conversation: bool = False
    # A skill event's ``request.body`` as Alexa sent it ({} for other requests).
    event_body: dict[str, Any] = field(default_factory=dict)
    # In-skill purchasing, read once per turn when a handler needs it (``skill.premium``).
    isp: "Premium | None" = None

    @property
    def is_test(self) -> bool:
        return self.source == OrderSource.CONSOLE

    @property
    def shopper(self) -> Customer:
        """The shopper. ``LoadShopper`` finds or makes one for every request but a skill
        event or the end of a session of a shopper the store has never seen."""
        if self.customer is None:
            raise NoShopper("this request names no shopper")
        return self.customer

    @property
    def shopper_conversation(self) -> Conversation:
        """The shopper's conversation (``LoadShopper`` loads or starts it with the shopper)."""
        if self.conversation is None:
            raise NoShopper("this request names no shopper")
        return self.conversation

    def money(self, amount: Decimal) -> str:
        return speech.money(amount, self.store.currency, self.locale)


def turn_of(handler_input: HandlerInput) -> Turn:
    """The turn ``runtime`` passed to the skill as its context."""
    return cast(Turn, handler_input.context)


@dataclass
class Premium:
    """One turn's view: the store's products, what the shopper owns, their session state."""

    products: list[InSkillProduct]
    states: ProductsResult
    state: IspShopperState | None
    session_id: str
    balances: dict[int, int] = field(default_factory=dict)  # product id -> units left
    _experiments: dict[int, UpsellExperiment] | None = None

    def experiments(self, turn: Turn) -> dict[int, UpsellExperiment]:
        """Running upsell experiments by product id (read when a suggestion is considered)."""
        if self._experiments is None:
            self._experiments = isp_experiments.running_experiments(store=turn.store)
        return self._experiments

    def arm(self, turn: Turn, product: InSkillProduct) -> tuple[UpsellExperiment | None, str]:
        """(experiment, arm) the shopper is in for ``product`` (None, "") when none runs."""
        experiment = self.experiments(turn).get(product.pk)
        if experiment is None:
            return None, ""
        return experiment, arm_for(experiment.pk, turn.shopper.alexa_user_id)

    def state_of(self, product: InSkillProduct) -> IspProductState | None:
        for state in self.states.products:
            if state.product_id == product.amazon_product_id:
                return state
        return None

    def owns(self, product: InSkillProduct) -> bool:
        """Entitled to a one-time product or subscription (consumables are counted)."""
        state = self.state_of(product)
        return bool(state and state.entitled and product.type != ProductType.CONSUMABLE)

    def subscriber(self) -> bool:
        return any(self.owns(p) for p in self.products if p.type == ProductType.SUBSCRIPTION)

    def purchasable(self, product: InSkillProduct) -> bool:
        state = self.state_of(product)
        return product.purchasable and (state is None or state.purchasable)
