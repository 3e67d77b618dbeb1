"""Real Alexa request envelopes, built with ask_sdk_model and DefaultSerializer: the one
builder of the test suite, the benchmarks, the demo history and the voice test console.

- ``envelope`` wraps a request (``launch``, ``intent``, ``session_ended``) in a session and
  a context as Alexa sends them: the shopper, the device, the Amazon Pay permission granted,
  denied or never asked, and Alexa's APIs; the timestamp in Alexa's format.
- ``Shopper`` posts envelopes to ``/alexa/`` through the Django test client and walks
  Amazon Pay through the embedded sandbox.
- ``ConsoleShopper`` follows one shopper's Alexa session between turns played in-process
  (kept in a browser session or a certification dialogue), and ``build_envelope`` /
  ``connections_envelope`` build its requests from what a matcher understood of typed words,
  or from the ``Connections.Response`` of a purchase dialogue.
- ``skill_event``: an Alexa skill event (no session).
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import (
    Application,
    Context,
    Device,
    Intent,
    IntentConfirmationStatus,
    IntentRequest,
    LaunchRequest,
    Permissions,
    RequestEnvelope,
    Session,
    SessionEndedReason,
    SessionEndedRequest,
    Slot,
    SlotConfirmationStatus,
    SupportedInterfaces,
    User,
)
from ask_sdk_model.dialog_state import DialogState
from ask_sdk_model.interfaces.system import SystemState
from ask_sdk_model.permission_status import PermissionStatus
from ask_sdk_model.scope import Scope
from ask_sdk_model.slu.entityresolution import (
    Resolution,
    Resolutions,
    Status,
    StatusCode,
    Value,
    ValueWrapper,
)

from alexa.scopes import AUTOPAY_SCOPE
from isp.sandbox import sandbox_access_token
from skill import amazon_pay, amazon_pay_sandbox
from skill.speech import plain

serializer = DefaultSerializer()
API_ENDPOINT = "https://api.amazonalexa.com"
ACCESS_TOKEN = "Atza|SECRET-ACCESS-TOKEN-never-logged"
CONSENT_TOKEN = "consent-token"
DEVICE_ID = "amzn1.ask.device.TEST"
LAUNCH = "LaunchRequest"


def now_stamp() -> str:
    """Now, as Alexa writes a request's timestamp (seconds, UTC, a "Z")."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def token() -> str:
    """A fresh random part for ids and tokens."""
    return uuid.uuid4().hex[:16].upper()


# Requests and their envelope ------------------------------------------------------------------


def _resolutions(authority: str, *, matched: tuple[str, str] | None = None) -> Resolutions:
    """Entity resolution of a slot: ER_SUCCESS_MATCH with (name, id), else NO_MATCH."""
    if matched is None:
        status = Status(code=StatusCode.ER_SUCCESS_NO_MATCH)
        return Resolutions(
            resolutions_per_authority=[Resolution(authority=authority, status=status)]
        )
    name, value_id = matched
    return Resolutions(
        resolutions_per_authority=[
            Resolution(
                authority=authority,
                status=Status(code=StatusCode.ER_SUCCESS_MATCH),
                values=[ValueWrapper(value=Value(name=name, id=value_id))],
            )
        ]
    )


def product_slot(product=None, *, words: str = "", name: str = "Product", no_match=False):
    """A slot as Alexa fills it: ER_SUCCESS_MATCH with the product id, or NO_MATCH."""
    authority = "amzn1.er-authority.echo-sdk.skill.PRODUCT"
    if no_match:
        return Slot(name=name, value=words or "unicorn", resolutions=_resolutions(authority))
    if product is None:
        return Slot(name=name, value=words or None)
    resolutions = _resolutions(authority, matched=(product.name, str(product.pk)))
    return Slot(name=name, value=words or product.name, resolutions=resolutions)


def permissions(consent: str | None, *, consent_token: str = CONSENT_TOKEN) -> Permissions | None:
    """The Amazon Pay permission as Alexa reports it: GRANTED (with a consent token), DENIED,
    or never asked (``None`` or anything else: Alexa leaves permissions out)."""
    if consent == "GRANTED":
        return Permissions(
            consent_token=consent_token,
            scopes={AUTOPAY_SCOPE: Scope(status=PermissionStatus.GRANTED)},
        )
    if consent == "DENIED":
        return Permissions(scopes={AUTOPAY_SCOPE: Scope(status=PermissionStatus.DENIED)})
    return None


def envelope(
    request,
    *,
    skill_id: str,
    user_id: str = "amzn1.ask.account.SHOPPER1",
    device_id: str = DEVICE_ID,
    consent: str | None = "GRANTED",
    consent_token: str = CONSENT_TOKEN,
    session_id: str | None = None,
    new: bool = False,
    attributes: dict | None = None,
    api_endpoint: str = API_ENDPOINT,
    api_token: str = ACCESS_TOKEN,
    account_token: str = "",
) -> dict:
    """The request in a session (``session_id``; a new id when None) and a context;
    ``account_token``: the linked account's access token (``user.accessToken``)."""
    user = User(
        user_id=user_id,
        access_token=account_token or None,
        permissions=permissions(consent, consent_token=consent_token),
    )
    application = Application(application_id=skill_id)
    env = RequestEnvelope(
        version="1.0",
        session=Session(
            new=new,
            session_id=session_id or f"amzn1.echo-api.session.{uuid.uuid4()}",
            application=application,
            attributes=attributes or {},
            user=user,
        ),
        context=Context(
            system=SystemState(
                application=application,
                user=user,
                device=Device(device_id=device_id, supported_interfaces=SupportedInterfaces()),
                api_endpoint=api_endpoint,
                api_access_token=api_token,
            )
        ),
        request=request,
    )
    data = cast(dict[str, Any], serializer.serialize(env))
    if isinstance(request.timestamp, datetime):
        data["request"]["timestamp"] = request.timestamp.astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
    return data


def _request_id() -> str:
    return f"amzn1.echo-api.request.{uuid.uuid4()}"


def launch(locale="en-US"):
    return LaunchRequest(request_id=_request_id(), timestamp=datetime.now(UTC), locale=locale)


def intent(name: str, slots: dict | None = None, locale="en-US", *, dialog_state=None):
    return IntentRequest(
        request_id=_request_id(),
        timestamp=datetime.now(UTC),
        locale=locale,
        dialog_state=dialog_state,
        intent=Intent(
            name=name,
            slots=slots or {},
            confirmation_status=IntentConfirmationStatus.NONE,
        ),
    )


def session_ended(locale="en-US"):
    return SessionEndedRequest(
        request_id=_request_id(),
        timestamp=datetime.now(UTC),
        locale=locale,
        reason=SessionEndedReason.USER_INITIATED,
    )


def speech_of(answer: dict) -> str:
    """The plain words of a response's speech ("" when silent)."""
    output = (answer.get("response") or {}).get("outputSpeech") or {}
    return plain(output.get("ssml") or output.get("text") or "")


def directive_of(answer: dict) -> dict | None:
    return amazon_pay.find_directive(answer)


# A shopper through the test client -----------------------------------------------------------


class Shopper:
    """A shopper talking to one store's skill through the Django test client."""

    def __init__(
        self,
        client,
        skill_id,
        *,
        user_id="amzn1.ask.account.SHOPPER1",
        locale="en-US",
        consent="GRANTED",
        api_endpoint=API_ENDPOINT,
        api_token=ACCESS_TOKEN,
        account_token="",
    ):
        self.client = client
        self.skill_id = skill_id
        self.user_id = user_id
        self.locale = locale
        self.consent = consent
        self.api_endpoint = api_endpoint  # where the skill reaches Alexa's APIs
        self.api_token = api_token  # what this shopper granted there
        self.account_token = account_token  # the linked web account's token ("" unlinked)
        self.device_id = DEVICE_ID
        self.last_envelope: dict[str, Any] | None = None
        self.last_answer: dict[str, Any] | None = None
        self.session_id = None  # None: every request in a new session; set to keep one

    def post(self, env: dict) -> dict:
        response = self.client.post(
            "/alexa/", data=json.dumps(env), content_type="application/json"
        )
        assert response.status_code == 200, response.content
        self.last_envelope, self.last_answer = env, response.json()
        return self.last_answer

    def _envelope(self, request) -> dict:
        return envelope(
            request,
            skill_id=self.skill_id,
            user_id=self.user_id,
            consent=self.consent,
            api_endpoint=self.api_endpoint,
            api_token=self.api_token,
            session_id=self.session_id,
            account_token=self.account_token,
            device_id=self.device_id,
        )

    def send(self, request) -> dict:
        return self.post(self._envelope(request))

    def new_session(self) -> str:
        """Keep the following requests in one new Alexa session."""
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        return self.session_id

    def send_request_dict(self, request: dict) -> dict:
        """A request Alexa sends as JSON (a ``Connections.Response`` from a sandbox)."""
        env = self._envelope(launch(self.locale))
        env["request"] = request
        return self.post(env)

    def launch(self):
        return self.send(launch(self.locale))

    def say(self, intent_name: str, **slots):
        return self.send(intent(intent_name, slots, self.locale))

    def yes(self):
        return self.say("AMAZON.YesIntent")

    def no(self):
        return self.say("AMAZON.NoIntent")

    def amazon_pay(self, *, simulate: str | None = None, answer: dict | None = None) -> dict:
        """Alexa's answer to the directive in the last response, from the sandbox."""
        previous, answer = self.last_envelope, answer or self.last_answer
        assert previous is not None and answer is not None, "no request was sent yet"
        env = amazon_pay_sandbox.response_envelope(previous, answer, simulate=simulate)
        return self.post(env)


# A shopper followed between turns played in-process ------------------------------------------


class Understanding(Protocol):
    """What a matcher made of typed words: a LaunchRequest or an IntentRequest, the intent,
    every slot it declares (name -> slot type) and those filled (name -> {"value",
    "resolved", "id"})."""

    request_type: str
    intent: str
    slots: dict
    slot_types: dict


# What a ConsoleShopper keeps between turns (``as_dict`` / ``from_dict``).
CONSOLE_SHOPPER_FIELDS = (
    "user_id",
    "device_id",
    "session_id",
    "attributes",
    "pending",
    "account_token",
    "account_email",
    "account_name",
)


@dataclass
class ConsoleShopper:
    """One shopper's place in Alexa's session between turns: a fixed user id and device id,
    and an Alexa session id that is renewed whenever the skill ends the session (or sends an
    Amazon Pay or in-skill purchase directive, which ends it too). An in-skill purchase
    directive waiting for Amazon's purchase dialogue is kept with the shopper (``pending``);
    Alexa's ``Connections.Response`` comes back in a new session (``connections_envelope``).
    A linked shopper carries their web account's access token (``account_token``, sent as
    ``context.System.user.accessToken``) and, for the page, the account's email and name;
    all three are "" for a shopper with no account."""

    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.CONSOLE{token()}")
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.CONSOLE{token()}")
    session_id: str = ""  # "" when no Alexa session is open
    attributes: dict = field(default_factory=dict)
    # {"directive": the Buy/Upsell/Cancel directive, "locale": ...} waiting for the owner's
    # choice of Amazon's outcome; None when no purchase dialogue is waiting.
    pending: dict | None = None
    account_token: str = ""
    account_email: str = ""
    account_name: str = ""

    @classmethod
    def from_dict(cls, data: dict | None) -> "ConsoleShopper":
        data = data or {}
        shopper = cls()
        for key in CONSOLE_SHOPPER_FIELDS:
            if key in data:
                setattr(shopper, key, data[key])
        return shopper

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in CONSOLE_SHOPPER_FIELDS}

    def after(self, sent: dict, response: dict) -> None:
        """Follow the session the way Alexa does after the skill's answer to ``sent``."""
        body = response.get("response") or {}
        directives = body.get("directives") or []
        ends = body.get("shouldEndSession") is not False or any(
            d.get("type") == "Connections.SendRequest" for d in directives
        )
        # An answer without shouldEndSession=false keeps the session only when it reprompts.
        if body.get("shouldEndSession") is None and body.get("reprompt") and not directives:
            ends = False
        if ends:
            self.session_id, self.attributes = "", {}
        else:
            self.session_id = (sent.get("session") or {}).get("sessionId", "")
            self.attributes = response.get("sessionAttributes") or {}


def build_envelope(
    *,
    shopper: ConsoleShopper,
    skill_id: str,
    locale: str,
    understood: Understanding | None = None,
    end_session: bool = False,
    consent: str = "GRANTED",
) -> dict:
    """The shopper's next request in their session (a new one when none is open): a launch,
    the intent understood, or the end of the session."""
    if end_session:
        request = session_ended(locale)
    elif understood is None or understood.request_type == LAUNCH:
        request = launch(locale)
    else:
        request = intent(understood.intent, locale=locale, dialog_state=DialogState.COMPLETED)
        # Alexa leaves ``slots`` out of an intent that declares none.
        request.intent.slots = _understood_slots(understood, skill_id) or None
    return envelope(
        request,
        skill_id=skill_id,
        user_id=shopper.user_id,
        device_id=shopper.device_id,
        consent=consent,
        consent_token=f"console-consent.{token()}",
        session_id=shopper.session_id or None,
        new=not shopper.session_id,
        attributes=dict(shopper.attributes) if shopper.session_id else {},
        # A token the ISP sandbox issued: it tells the sandbox the store and the shopper.
        api_token=sandbox_access_token(skill_id=skill_id, user_id=shopper.user_id),
        account_token=shopper.account_token,
    )


def connections_envelope(
    *, shopper: ConsoleShopper, skill_id: str, locale: str, request: dict, consent: str = "GRANTED"
) -> dict:
    """The envelope Alexa posts after its purchase dialogue: ``request`` (the
    ``Connections.Response`` the ISP sandbox answered) in a new session of the same shopper
    and device, linked to the same account (the directive ended the previous session)."""
    data = build_envelope(
        shopper=ConsoleShopper(
            user_id=shopper.user_id,
            device_id=shopper.device_id,
            account_token=shopper.account_token,
        ),
        skill_id=skill_id,
        locale=locale,
        consent=consent,
    )
    data["request"] = {**request, "locale": request.get("locale") or locale}
    return data


def _understood_slots(understood: Understanding, skill_id: str) -> dict:
    """Every slot the intent declares, empty or filled as Alexa fills it (custom slot types
    resolved to the entity's id)."""
    slots = {}
    for name, slot_type in understood.slot_types.items():
        filled = understood.slots.get(name)
        if not filled:
            slots[name] = Slot(name=name, confirmation_status=SlotConfirmationStatus.NONE)
            continue
        resolutions = None
        if not slot_type.startswith("AMAZON."):
            resolutions = _resolutions(
                f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}",
                matched=(filled["resolved"], filled["id"]),
            )
        slots[name] = Slot(
            name=name,
            value=filled["value"],
            confirmation_status=SlotConfirmationStatus.NONE,
            resolutions=resolutions,
        )
    return slots


# Skill events --------------------------------------------------------------------------------


def skill_event(
    event_type: str,
    body: dict | None = None,
    *,
    skill_id: str,
    user_id: str = "amzn1.ask.account.SHOPPER1",
    api_endpoint: str = API_ENDPOINT,
    locale: str = "en-US",
    created: datetime | None = None,
    request_id: str | None = None,
) -> dict:
    """An Alexa skill event as Alexa sends it: no session, ``context.System`` with the user
    and the API endpoint, ``request.body`` (built as a dict: ask_sdk_model's classes drop
    parts of the body, such as ``userInformationPersistenceStatus``)."""
    stamp = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    request: dict[str, Any] = {
        "type": f"AlexaSkillEvent.{event_type}",
        "requestId": request_id or _request_id(),
        "timestamp": stamp,
        "eventCreationTime": stamp,
        "eventPublishingTime": stamp,
        "locale": locale,
    }
    if body is not None:
        request["body"] = body
    return {
        "version": "1.0",
        "context": {
            "System": {
                "application": {"applicationId": skill_id},
                "user": {"userId": user_id},
                "apiEndpoint": api_endpoint,
                "apiAccessToken": ACCESS_TOKEN,
            }
        },
        "request": request,
    }
