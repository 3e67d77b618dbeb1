"""Alexa skill events: the skill enabled or disabled, permissions accepted or changed, an
account linked, a proactive-events subscription changed.

They come without a session and get no speech (the endpoint answers HTTP 200 with an empty
body). Each is recorded once per request id (``SkillEvent``, its body without tokens); a
second delivery of the same event changes nothing. What they change on the shopper goes
through ``orders.services``: the permissions granted now (a revoked address or email is
forgotten at once), the order-notification subscription, and, when the skill is disabled
without keeping the shopper's data, the erasure of their personal data.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from isp import services as isp_services
from orders import services as orders
from orders.models import CustomerEventSource

from .. import envelope, services
from ..outcomes import Outcome
from ..turn import Turn, turn_of
from .common import request_of

ORDER_STATUS_EVENT = "AMAZON.OrderStatus.Updated"


class SkillEventHandler(AbstractRequestHandler):
    """Base: records the event; ``apply`` does what the event type means."""

    event_type = ""
    outcome = Outcome.SKILL_EVENT

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return envelope.request_type(request_of(handler_input)) == self.event_type

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        request = request_of(handler_input)
        _, new = services.skill_event_record(
            store=turn.store,
            customer=turn.customer,
            type=envelope.request_type(request),
            request_id=request.request_id or "",
            body=envelope.without_tokens(turn.event_body),
            event_created_at=getattr(request, "event_creation_time", None),
        )
        if not new:
            turn.outcome = Outcome.DUPLICATE_SKILL_EVENT
        else:
            turn.outcome = self.apply(handler_input, turn) or self.outcome
        return handler_input.response_builder.response

    def apply(self, handler_input: HandlerInput, turn: Turn) -> str | None:
        return None


class SkillEnabledHandler(SkillEventHandler):
    event_type = envelope.SKILL_ENABLED
    outcome = Outcome.SKILL_ENABLED


class SkillDisabledHandler(SkillEventHandler):
    """NOT_PERSISTED: the shopper asked that their data not be kept; PERSISTED: keep all."""

    event_type = envelope.SKILL_DISABLED
    outcome = Outcome.SKILL_DISABLED

    def apply(self, handler_input: HandlerInput, turn: Turn) -> str | None:
        status = envelope.persistence_status(turn.event_body)
        if status == envelope.NOT_PERSISTED and turn.customer is not None:
            isp_services.shopper_isp_forget(customer=turn.customer)
            turn.customer = orders.customer_erase(customer=turn.customer)
            turn.conversation = None
            return Outcome.CUSTOMER_ERASED
        return None


class PermissionsHandler(SkillEventHandler):
    """Accepted or changed: keep what is granted now; a revoked scope stops at once."""

    outcome = Outcome.PERMISSIONS_CHANGED

    def apply(self, handler_input: HandlerInput, turn: Turn) -> str | None:
        if turn.customer is None:
            return None
        turn.customer = orders.customer_set_alexa_permissions(
            customer=turn.customer,
            scopes=envelope.accepted_scopes(turn.event_body),
            api_endpoint=envelope.api_endpoint(handler_input.request_envelope),
        )
        return None


class PermissionAcceptedHandler(PermissionsHandler):
    event_type = envelope.PERMISSION_ACCEPTED


class PermissionChangedHandler(PermissionsHandler):
    event_type = envelope.PERMISSION_CHANGED


class AccountLinkedHandler(SkillEventHandler):
    """Recorded only: the portal links no accounts (the access token is never kept)."""

    event_type = envelope.ACCOUNT_LINKED
    outcome = Outcome.ACCOUNT_LINKED


class ProactiveSubscriptionHandler(SkillEventHandler):
    """The shopper turned order notifications on or off in the Alexa app."""

    event_type = envelope.PROACTIVE_SUBSCRIPTION_CHANGED
    outcome = Outcome.SUBSCRIPTIONS_CHANGED

    def apply(self, handler_input: HandlerInput, turn: Turn) -> str | None:
        subscribed = ORDER_STATUS_EVENT in envelope.subscribed_events(turn.event_body)
        if turn.customer is None:
            if not subscribed:
                return None
            user_id = envelope.user_id(handler_input.request_envelope)
            if not user_id:
                return None
            turn.customer = orders.customer_get_or_create(
                store=turn.store,
                alexa_user_id=user_id,
                locale=turn.locale,
                source=CustomerEventSource.ALEXA,
            )
        turn.customer = orders.customer_set_order_updates(
            customer=turn.customer,
            subscribed=subscribed,
            api_endpoint=envelope.api_endpoint(handler_input.request_envelope),
        )
        return None


class OtherSkillEventHandler(AbstractRequestHandler):
    """A skill event this skill does not subscribe to: acknowledged, nothing else."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return envelope.is_skill_event(request_of(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn_of(handler_input).outcome = Outcome.SKILL_EVENT
        return handler_input.response_builder.response


SKILL_EVENT_HANDLERS = [
    SkillEnabledHandler(),
    SkillDisabledHandler(),
    PermissionAcceptedHandler(),
    PermissionChangedHandler(),
    AccountLinkedHandler(),
    ProactiveSubscriptionHandler(),
    OtherSkillEventHandler(),
]
