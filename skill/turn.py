"""``Turn``: what one request's handlers know besides the request itself.

``runtime.handle_envelope`` makes one per request and hands it to ask-sdk-core as the
skill's ``context``; the ``LoadShopper`` interceptor fills in the shopper; handlers read it
and write back what the turn did (``outcome``, ``error_code``) and whether the conversation
step must be saved. Every field is named and typed here: there is no side channel.
"""

from dataclasses import dataclass, field
from types import ModuleType

from ask_sdk_core.handler_input import HandlerInput

from merchant.models import Store
from orders.models import Customer, OrderSource

from . import speech
from .models import Conversation


@dataclass
class Turn:
    """The store, the shopper and their conversation, the voice, and what this turn did."""

    store: Store
    locale: str
    voice: ModuleType  # skill.speech.<locale>: every sentence the skill speaks
    source: str = OrderSource.VOICE
    customer: Customer | None = None
    conversation: Conversation | None = None
    # The shopper was created by this very request (so they own nothing yet).
    new_customer: bool = False
    # Set at launch: the shopper has no kept order, so suggestions skip the ownership check.
    owns_nothing: bool = False
    # At launch: the lines of the shopper's latest kept order, read with the shopper (None:
    # not read).
    last_kept_lines: list | None = None
    outcome: str = ""  # an ``outcomes.Outcome`` (or a composed label) for the interaction log
    error_code: str = ""
    save_conversation: bool = False
    # A skill event's ``request.body`` as Alexa sent it ({} for other requests).
    event_body: dict = field(default_factory=dict)
    # In-skill purchasing, read once per turn when a handler needs it (``skill.premium``).
    isp: object | None = None

    @property
    def is_test(self) -> bool:
        return self.source == OrderSource.CONSOLE

    def money(self, amount) -> str:
        return speech.money(amount, self.store.currency, self.locale)


def turn_of(handler_input: HandlerInput) -> Turn:
    """The turn ``runtime`` passed to the skill as its context."""
    return handler_input.context
