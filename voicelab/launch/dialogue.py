"""A certification test shopper talking to a store's skill, in-process, with Amazon played
by the sandboxes; every exchange is kept in words for the transcript.

What the shopper says is matched against the store's exported interaction model (the voice
console's ``Matcher``: what certification says must be in the model), turned into a real
request envelope (the console's builders) and run through ``runtime.handle_envelope(...,
source="console")``, the same code as ``/alexa/`` (orders become test orders). An Amazon Pay
Setup or Charge is answered by the embedded Amazon Pay sandbox (``amazon_pay``), a Buy,
Upsell or Cancel by the ISP sandbox's purchase dialogue (``purchase``), each coming back in a
new session as Alexa does.
"""

import html
import re
from dataclasses import dataclass

from isp import sandbox as isp_sandbox
from isp import selectors as isp_selectors
from isp.facts import DirectiveName
from skill import amazon_pay, amazon_pay_sandbox, runtime
from skill.testing.envelopes import ConsoleShopper, build_envelope, connections_envelope
from voicelab.console.matcher import LAUNCH, Matcher, Understood

PAY_DIRECTIVES = {amazon_pay.SETUP, amazon_pay.CHARGE}
ISP_DIRECTIVES = set(DirectiveName.values)
_TAG = re.compile(r"<[^>]+>")


class DialogueError(Exception):
    """The conversation cannot go on (the skill refused a request, no directive to answer)."""


def words(ssml: str) -> str:
    """What the shopper hears of an SSML or plain text: no tags, no entities."""
    return " ".join(html.unescape(_TAG.sub(" ", ssml or "")).split())


@dataclass
class Answer:
    """The skill's response to one request, read the way a tester listens to it."""

    response: dict

    @property
    def body(self) -> dict:
        return (self.response or {}).get("response") or {}

    @property
    def speech(self) -> str:
        output = self.body.get("outputSpeech") or {}
        return words(output.get("ssml") or output.get("text") or "")

    @property
    def reprompt(self) -> str:
        output = (self.body.get("reprompt") or {}).get("outputSpeech") or {}
        return words(output.get("ssml") or output.get("text") or "")

    @property
    def card(self) -> dict | None:
        return self.body.get("card")

    @property
    def directives(self) -> list[dict]:
        return self.body.get("directives") or []

    def send_request(self, names: set[str]) -> dict | None:
        """The ``Connections.SendRequest`` directive whose name is one of ``names``."""
        for directive in self.directives:
            if directive.get("type") == amazon_pay.SEND_REQUEST and directive.get("name") in names:
                return directive
        return None

    def pay_directive(self, name: str = "") -> dict | None:
        directive = self.send_request(PAY_DIRECTIVES)
        return directive if directive and (not name or directive.get("name") == name) else None

    def isp_directive(self, name: str = "") -> dict | None:
        directive = self.send_request(ISP_DIRECTIVES)
        return directive if directive and (not name or directive.get("name") == name) else None

    @property
    def session_open(self) -> bool:
        """Alexa keeps listening: ``shouldEndSession`` false, or left out with a reprompt."""
        ends = self.body.get("shouldEndSession")
        if self.send_request(PAY_DIRECTIVES | ISP_DIRECTIVES):
            return False
        return ends is False or (ends is None and bool(self.body.get("reprompt")))


class Dialogue:
    """One test shopper (user and device id) talking to ``store``'s skill in ``locale``."""

    def __init__(
        self,
        *,
        store,
        skill_id: str,
        locale: str,
        matcher: Matcher,
        user_id: str,
        device_id: str,
        consent: str = "GRANTED",
    ):
        self.store = store
        self.skill_id = skill_id
        self.locale = locale
        self.matcher = matcher
        self.consent = consent
        self.shopper = ConsoleShopper(user_id=user_id, device_id=device_id)
        self.transcript: list[dict] = []
        self.understood: Understood | None = None  # of the shopper's last words
        self.last: Answer | None = None
        self._last_sent: dict | None = None

    @property
    def user_id(self) -> str:
        return self.shopper.user_id

    # The shopper ---------------------------------------------------------------------------

    def new_session(self) -> None:
        self.shopper.session_id, self.shopper.attributes = "", {}

    def open(self) -> Answer:
        """ "open <invocation name>" in a new session."""
        self.new_session()
        return self.say(f"open {self.matcher.invocation_name}")

    def ask(self, text: str) -> Answer:
        """ "ask <invocation name> <text>": a one-shot request in a new session."""
        self.new_session()
        return self.say(f"ask {self.matcher.invocation_name} {text}")

    def say(self, text: str) -> Answer:
        """The shopper's words in the open session (a new one when none is open)."""
        understood = self.matcher.understand(text)
        return self.send_understood(understood, said=text)

    def send_understood(self, understood: Understood, *, said: str) -> Answer:
        """What Alexa understood (a launch, or an intent with its slots) in the open session:
        a recorded session's turn is replayed as Alexa sent it, without words to match."""
        self.understood = understood
        text = said
        sent = build_envelope(
            shopper=self.shopper,
            skill_id=self.skill_id,
            locale=self.locale,
            understood=understood,
            consent=self.consent,
        )
        return self._send(sent, who="shopper", said=text, understood=_understood_words(understood))

    # Amazon ------------------------------------------------------------------------------

    def amazon_pay(self, *, simulate: str | None = None) -> Answer:
        """Amazon Pay's answer (the embedded sandbox) to the Setup or Charge just sent;
        ``simulate`` as ``amazon_pay_sandbox.respond`` takes it ("Declined:<reason>", ...)."""
        if self.last is None or self.last.pay_directive() is None:
            raise DialogueError("The skill's last answer carried no Amazon Pay request.")
        assert self._last_sent is not None  # sent with the last answer
        sent = amazon_pay_sandbox.response_envelope(
            self._last_sent, self.last.response, simulate=simulate
        )
        return self._send(sent, who="amazon_pay", said=_amazon_pay_words(sent.get("request")))

    def purchase(self, outcome: str) -> Answer:
        """Amazon's purchase dialogue (the ISP sandbox) on the Buy, Upsell or Cancel just
        sent, ending in ``outcome`` ("accept", "decline" or "error"); its
        ``Connections.Response`` comes back to the skill in a new session."""
        directive = self.last.isp_directive() if self.last is not None else None
        if directive is None:
            raise DialogueError("The skill's last answer carried no Buy, Upsell or Cancel.")
        try:
            flow = isp_sandbox.purchase_flow(
                store=self.store,
                user_id=self.user_id,
                directive=directive,
                outcome=outcome,
                locale=self.locale,
            )
        except isp_sandbox.FlowRefused as exc:
            raise DialogueError(f"The ISP sandbox refused the directive: {exc}") from exc
        sent = connections_envelope(
            shopper=self.shopper,
            skill_id=self.skill_id,
            locale=self.locale,
            request=flow,
            consent=self.consent,
        )
        said = (
            f"Amazon's purchase dialogue for the {self.product_name(directive)}: the shopper "
            f"{_OUTCOME_WORDS[outcome]}; Alexa sends {flow['name']} "
            f"{flow['payload'].get('purchaseResult', '')}"
        )
        return self._send(sent, who="amazon", said=said.strip())

    # Turns -------------------------------------------------------------------------------

    def _send(self, sent: dict, *, who: str, said: str, understood: str = "") -> Answer:
        try:
            response = runtime.handle_envelope(sent, source="console")
        except (runtime.EnvelopeError, runtime.UnknownSkill) as exc:
            raise DialogueError(f"The skill refused the request: {exc}") from exc
        answer = Answer(response or {})
        self.shopper.after(sent, response or {})
        self._last_sent, self.last = sent, answer
        self.transcript.append(
            {
                "who": who,
                "said": said,
                "understood": understood,
                "alexa": answer.speech,
                "reprompt": answer.reprompt,
                "card": _card_words(answer.card),
                "directives": [self.directive_words(d) for d in answer.directives],
                "session": "stays open" if answer.session_open else "ends",
            }
        )
        return answer

    # Words -------------------------------------------------------------------------------

    def product_name(self, directive: dict) -> str:
        payload = directive.get("payload") or {}
        product_id = str((payload.get("InSkillProduct") or {}).get("productId") or "")
        product = isp_selectors.product_by_amazon_id(store=self.store, product_id=product_id)
        if product is None:
            return f"unknown product {product_id}"
        return product.name(self.locale)

    def directive_words(self, directive: dict) -> str:
        kind, name = directive.get("type", ""), directive.get("name", "")
        payload = directive.get("payload") or {}
        if kind == amazon_pay.SEND_REQUEST and name == amazon_pay.SETUP:
            sandbox = "sandbox" if payload.get("sandboxMode") else "live"
            return (
                f"Amazon Pay Setup ({sandbox}, seller {payload.get('sellerId', '?')}): asks "
                "Amazon Pay for the shopper's billing agreement and address"
            )
        if kind == amazon_pay.SEND_REQUEST and name == amazon_pay.CHARGE:
            amount = (payload.get("authorizeAttributes") or {}).get("authorizationAmount") or {}
            return (
                f"Amazon Pay Charge of {amount.get('amount', '?')} "
                f"{amount.get('currencyCode', '')} ({payload.get('paymentAction', '?')})"
            )
        if kind == amazon_pay.SEND_REQUEST and name in ISP_DIRECTIVES:
            text = f"In-skill purchase {name} of the {self.product_name(directive)}"
            if payload.get("upsellMessage"):
                text += f': Alexa says "{words(payload["upsellMessage"])}"'
            return text
        return kind or "a directive of no type"


_OUTCOME_WORDS = {
    "accept": "accepts",
    "decline": "declines",
    "error": "accepts, but the payment fails",
}


def _understood_words(understood: Understood) -> str:
    if understood.request_type == LAUNCH:
        return "opens the skill (LaunchRequest)"
    slots = ", ".join(f"{name} = {slot['value']}" for name, slot in understood.slots.items())
    if not understood.sample:
        return f"{understood.intent} (nothing in the interaction model matched)"
    return f"{understood.intent} ({slots})" if slots else understood.intent


def _card_words(card: dict | None) -> str:
    if not card:
        return ""
    if card.get("type") == "AskForPermissionsConsent":
        return f"Permissions card asking for {', '.join(card.get('permissions') or [])}"
    content = card.get("content") or card.get("text") or ""
    return f"Card \u201c{card.get('title', '')}\u201d: {' · '.join(content.splitlines())}"


def _amazon_pay_words(request: dict | None) -> str:
    request = request or {}
    name = request.get("name", "?")
    status = request.get("status") or {}
    payload = request.get("payload") or {}
    if str(status.get("code")) != amazon_pay.SUCCESS_CODE:
        return f"Amazon Pay answers the {name} with the error {payload.get('errorCode', '?')}"
    if name == amazon_pay.SETUP:
        details = payload.get("billingAgreementDetails") or {}
        address = (details.get("destination") or {}).get("addressLine1", "")
        return (
            f"Amazon Pay answers the Setup: billing agreement "
            f"{details.get('billingAgreementStatus', '?')}, delivery to {address}"
        )
    state = ((payload.get("authorizationDetails") or {}).get("authorizationStatus")) or {}
    reason = f" ({state['reasonCode']})" if state.get("reasonCode") else ""
    return f"Amazon Pay answers the Charge: authorization {state.get('state', '?')}{reason}"
