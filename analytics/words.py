"""The skill's log in words for the merchant: intents, steps, outcomes and directives as a
person says them, not ``AMAZON.YesIntent``, ``help_idle`` or ``Connections.SendRequest``.
The dashboard and the transcripts page read them."""

import re

from skill.models import Step

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

# The built-in intents by what the shopper did; the store's own intents read from their names.
BUILT_IN = {
    "AMAZON.YesIntent": "Yes",
    "AMAZON.NoIntent": "No",
    "AMAZON.HelpIntent": "Help",
    "AMAZON.StopIntent": "Stop",
    "AMAZON.CancelIntent": "Cancel",
    "AMAZON.FallbackIntent": "Not understood (fallback)",
    "AMAZON.NavigateHomeIntent": "Home",
    "AMAZON.StartOverIntent": "Start over",
    "AMAZON.RepeatIntent": "Repeat",
    "AMAZON.ResumeIntent": "Resume",
    "AMAZON.PauseIntent": "Pause",
    "AMAZON.NextIntent": "Next",
}
REQUESTS = {
    "LaunchRequest": "Opens the skill",
    "Launch": "Opens the skill",
    "SessionEndedRequest": "Session ended",
    "Connections.Response": "Amazon answers (payment or purchase)",
    "CanFulfillIntentRequest": "Alexa asks whether the skill can answer",
}
DIRECTIVES = {
    "Connections.SendRequest:Setup": "Amazon Pay Setup: asks for the billing agreement and address",
    "Connections.SendRequest:Charge": "Amazon Pay Charge: takes the payment",
    "Connections.SendRequest:Buy": "Amazon's purchase dialogue: buy an in-skill product",
    "Connections.SendRequest:Upsell": "Amazon's purchase dialogue: a purchase suggestion",
    "Connections.SendRequest:Cancel": "Amazon's purchase dialogue: cancel an in-skill product",
    "Connections.SendRequest:AskFor": "Asks the shopper for a permission",
    "Dialog.Delegate": "Lets Alexa ask for what is missing",
    "Dialog.ElicitSlot": "Asks for one missing answer",
    "Dialog.ConfirmIntent": "Asks the shopper to confirm",
    "Alexa.Presentation.APL.RenderDocument": "Shows a screen",
}


def _sentence(name: str) -> str:
    text = _CAMEL.sub(" ", name.replace("_", " ")).strip()
    return text[:1].upper() + text[1:].lower() if text else ""


def intent_words(name: str) -> str:
    """``AMAZON.YesIntent`` as "Yes", ``OrderProductIntent`` as "Order product"."""
    if name in BUILT_IN:
        return BUILT_IN[name]
    if name in REQUESTS:
        return REQUESTS[name]
    bare = name.removeprefix("AMAZON.")
    bare = bare[: -len("Intent")] if bare.endswith("Intent") and bare != "Intent" else bare
    return _sentence(bare) or name


def request_words(request_type: str, intent: str) -> str:
    """What the shopper (or Alexa) did in one request."""
    if request_type == "IntentRequest":
        return intent_words(intent)
    return REQUESTS.get(request_type, _sentence(request_type.replace(".", " ")))


def step_words(step: str) -> str:
    """A path's step or a session's ending: ``help_idle`` as "Help idle", intents by words."""
    if step in BUILT_IN or step in REQUESTS or step.endswith("Intent"):
        return intent_words(step)
    return outcome_words(step) or step


def outcome_words(outcome: str) -> str:
    """``order_placed`` as "Order placed", ``help_idle`` as "Help (at: Nothing pending)"; a
    detail after a colon stays as it is."""
    if outcome.startswith("help_"):
        step = outcome.removeprefix("help_")
        label = dict(Step.choices).get(step, _sentence(step))
        return f"Help (at: {label})"
    head, _, detail = outcome.partition(":")
    words = _sentence(head)
    return f"{words}: {detail}" if detail else words


def directive_words(name: str) -> str:
    if name in DIRECTIVES:
        return DIRECTIVES[name]
    kind, _, detail = name.partition(":")
    return f"{kind} {detail}".strip()
