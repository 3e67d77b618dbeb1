"""Request envelopes for the voice test console, built with ``ask_sdk_model`` as Alexa sends them.

The console plays one shopper per browser session and store: a fixed user id and device id,
and an Alexa session id that is renewed whenever the skill ends the session (or sends an
Amazon Pay or in-skill purchase directive, which ends it too). The Amazon Pay permission can
be granted or denied, as a shopper does in the Alexa app. An in-skill purchase directive
waiting for the owner to play Amazon's purchase dialogue is kept with the shopper
(``pending``), and Alexa's ``Connections.Response`` comes back in a new session
(``connections_envelope``).
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

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

from skill.envelope import AUTOPAY_SCOPE
from voicelab.console.matcher import LAUNCH, Understood

API_ENDPOINT = "https://api.amazonalexa.com"
_serializer = DefaultSerializer()


@dataclass
class ConsoleShopper:
    """The console's shopper for one store, kept in the Django session."""

    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.CONSOLE{_token()}")
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.CONSOLE{_token()}")
    session_id: str = ""  # "" when no Alexa session is open
    attributes: dict = field(default_factory=dict)
    # {"directive": the Buy/Upsell/Cancel directive, "locale": ...} waiting for the owner's
    # choice of Amazon's outcome; None when no purchase dialogue is waiting.
    pending: dict | None = None

    @classmethod
    def from_dict(cls, data: dict | None) -> "ConsoleShopper":
        data = data or {}
        shopper = cls()
        for key in ("user_id", "device_id", "session_id", "attributes", "pending"):
            if key in data:
                setattr(shopper, key, data[key])
        return shopper

    def as_dict(self) -> dict:
        return {
            "user_id": self.user_id,
            "device_id": self.device_id,
            "session_id": self.session_id,
            "attributes": self.attributes,
            "pending": self.pending,
        }

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
    understood: Understood | None = None,
    end_session: bool = False,
    consent: str = "GRANTED",
) -> dict:
    """A full request envelope: launch, intent (from the matcher) or session end."""
    new = not shopper.session_id
    session_id = shopper.session_id or f"amzn1.echo-api.session.{uuid.uuid4()}"
    common = dict(request_id=f"amzn1.echo-api.request.{uuid.uuid4()}", locale=locale)
    if end_session:
        request = SessionEndedRequest(reason=SessionEndedReason.USER_INITIATED, **common)
    elif understood is None or understood.request_type == LAUNCH:
        request = LaunchRequest(**common)
    else:
        request = IntentRequest(
            dialog_state=DialogState.COMPLETED,
            intent=Intent(
                name=understood.intent,
                confirmation_status=IntentConfirmationStatus.NONE,
                slots=_slots(understood, skill_id) or None,
            ),
            **common,
        )
    application = Application(application_id=skill_id)
    user = User(user_id=shopper.user_id, permissions=_permissions(consent))
    envelope = RequestEnvelope(
        version="1.0",
        session=Session(
            new=new,
            session_id=session_id,
            application=application,
            attributes={} if new else dict(shopper.attributes),
            user=user,
        ),
        context=Context(
            system=SystemState(
                application=application,
                user=user,
                device=Device(
                    device_id=shopper.device_id, supported_interfaces=SupportedInterfaces()
                ),
                api_endpoint=API_ENDPOINT,
                api_access_token=f"console.{_token()}",
            )
        ),
        request=request,
    )
    data = _serializer.serialize(envelope)
    data["request"]["timestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return data


def connections_envelope(
    *, shopper: ConsoleShopper, skill_id: str, locale: str, request: dict, consent: str = "GRANTED"
) -> dict:
    """The envelope Alexa posts after its purchase dialogue: ``request`` (the
    ``Connections.Response`` the ISP sandbox answered) in a new session of the same shopper
    and device (the directive ended the previous session)."""
    data = build_envelope(
        shopper=ConsoleShopper(user_id=shopper.user_id, device_id=shopper.device_id),
        skill_id=skill_id,
        locale=locale,
        consent=consent,
    )
    data["request"] = {**request, "locale": request.get("locale") or locale}
    return data


def _permissions(consent: str) -> Permissions | None:
    if consent == "GRANTED":
        return Permissions(
            consent_token=f"console-consent.{_token()}",
            scopes={AUTOPAY_SCOPE: Scope(status=PermissionStatus.GRANTED)},
        )
    if consent == "DENIED":
        return Permissions(scopes={AUTOPAY_SCOPE: Scope(status=PermissionStatus.DENIED)})
    return None  # never asked: Alexa leaves permissions out


def _slots(understood: Understood, skill_id: str) -> dict:
    slots = {}
    for name, slot_type in understood.slot_types.items():
        filled = understood.slots.get(name)
        if not filled:
            slots[name] = Slot(name=name, confirmation_status=SlotConfirmationStatus.NONE)
            continue
        resolutions = None
        if not slot_type.startswith("AMAZON."):
            authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}"
            resolutions = Resolutions(
                resolutions_per_authority=[
                    Resolution(
                        authority=authority,
                        status=Status(code=StatusCode.ER_SUCCESS_MATCH),
                        values=[
                            ValueWrapper(value=Value(name=filled["resolved"], id=filled["id"]))
                        ],
                    )
                ]
            )
        slots[name] = Slot(
            name=name,
            value=filled["value"],
            confirmation_status=SlotConfirmationStatus.NONE,
            resolutions=resolutions,
        )
    return slots


def _token() -> str:
    return uuid.uuid4().hex[:16].upper()
