"""Selling in-skill products by voice: the suggestion policy (``upsell_choice``), the words
of a suggestion (an experiment's arm, the owner's message, or the summary and a question),
and the ``Connections.SendRequest`` directives that hand the shopper to Amazon."""

from collections.abc import Iterable

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.interfaces.connections import SendRequestDirective

from isp import selectors as isp_selectors
from isp import services as isp_services
from isp.facts import DirectiveName, ProductType
from isp.models import Arm, ExperimentKind, InSkillProduct, UpsellExperiment

from .premium import balance, name
from .speech import ssml_escape
from .turn import Premium, Turn

# Suggestions ---------------------------------------------------------------------------------


def upsell_choice(
    turn: Turn, premium: Premium, candidates: Iterable[InSkillProduct]
) -> InSkillProduct | None:
    """The one product to suggest now, or None. The store's policy: at most its suggestions
    per session (default one), never an owned or not purchasable product, never one declined
    within its cooldown, and the one suggested longest ago (or never) first. A product held
    back for the session limit or the cooldown is counted as suppressed."""
    if not premium.states.available:
        return None
    offerable = [
        p
        for p in dict.fromkeys(candidates)
        if premium.purchasable(p) and not premium.owns(p) and not _has_units(turn, premium, p)
    ]
    if not offerable:
        return None
    customer = turn.shopper
    declined = isp_selectors.declined_recently(customer=customer, products=offerable)
    limit = isp_selectors.upsell_settings(turn.store)
    state = premium.state
    same = state is not None and state.session_id == premium.session_id
    continued = state.continues_session_id if state is not None and same else ""
    used = isp_selectors.upsells_in_session(
        customer=customer, session_ids=[premium.session_id, continued]
    )

    def limit_for(product: InSkillProduct) -> int:
        experiment, arm = premium.arm(turn, product)
        if experiment is None or experiment.kind != ExperimentKind.FREQUENCY:
            return limit
        return experiment.per_session_a if arm == Arm.A else experiment.per_session_b

    fresh = [p for p in offerable if p.pk not in declined]
    allowed = [p for p in fresh if used < limit_for(p)]
    if not allowed:
        isp_services.upsell_event_record(
            customer=customer,
            product=(fresh or offerable)[0],
            kind="suppressed",
            reason="per_session" if fresh else "cooldown",
            session_id=premium.session_id,
        )
        return None
    offered = isp_selectors.last_offered(customer=customer)
    return min(
        allowed, key=lambda p: (p.pk in offered, offered.get(p.pk, 0) and offered[p.pk].timestamp())
    )


def suggestion(
    turn: Turn, premium: Premium, product: InSkillProduct, context: str
) -> tuple[str, UpsellExperiment | None, str]:
    """(message, experiment, arm): the message an experiment's arm hears in its locale, else
    the owner's suggestion for the locale, else the summary and "want to learn more?"; the
    context sentence (why now) first."""
    experiment, arm = premium.arm(turn, product)
    texts = product.texts(turn.locale)
    own = ""
    if experiment is not None and experiment.kind == ExperimentKind.MESSAGE:
        if experiment.locale == turn.locale:
            own = experiment.message_a if arm == Arm.A else experiment.message_b
        else:
            experiment, arm = None, ""  # shoppers of other locales hear the usual message
    if not own and texts is not None and texts.locale == turn.locale:
        own = texts.upsell_message
    if own:
        return f"{context} {ssml_escape(own)}".strip(), experiment, arm
    message: str = turn.voice.upsell_message(
        context, name(turn, product), texts.summary if texts else ""
    )
    return message, experiment, arm


def _has_units(turn: Turn, premium: Premium, product: InSkillProduct) -> bool:
    return product.type == ProductType.CONSUMABLE and balance(turn, premium, product) > 0


# Directives ----------------------------------------------------------------------------------


def send(
    handler_input: HandlerInput,
    turn: Turn,
    premium: Premium,
    name: str,
    product: InSkillProduct,
    *,
    message: str = "",
    experiment: UpsellExperiment | None = None,
    arm: str = "",
) -> Response:
    """Hand the shopper to Amazon's purchase dialogue: record the attempt (its token and the
    resume point) and return the directive alone; the session ends until Alexa comes back
    with ``Connections.Response``."""
    collection = premium.state.collection if premium.state is not None else None
    attempt = isp_services.purchase_attempt_start(
        customer=turn.shopper,
        product=product,
        name=name,
        locale=turn.locale,
        resume={
            "session": premium.session_id,
            **({"collection": collection.pk} if collection is not None else {}),
        },
        session_id=premium.session_id,
        experiment=experiment,
        arm=arm,
    )
    payload: dict[str, object] = {"InSkillProduct": {"productId": product.amazon_product_id}}
    if name == DirectiveName.UPSELL:
        payload["upsellMessage"] = message
    builder = handler_input.response_builder
    builder.add_directive(
        SendRequestDirective(name=str(name), payload=payload, token=attempt.token)
    )
    return builder.set_should_end_session(True).response
