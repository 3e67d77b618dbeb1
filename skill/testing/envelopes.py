"""Real Alexa request envelopes, built with ask_sdk_model and DefaultSerializer, and a small
shopper that posts them to ``/alexa/`` and walks Amazon Pay through the embedded sandbox."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any, cast

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
    SupportedInterfaces,
    User,
)
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
from skill import amazon_pay, amazon_pay_sandbox
from skill.speech import plain

serializer = DefaultSerializer()
ACCESS_TOKEN = "Atza|SECRET-ACCESS-TOKEN-never-logged"


def now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def product_slot(product=None, *, words: str = "", name: str = "Product", no_match=False):
    """A slot as Alexa fills it: ER_SUCCESS_MATCH with the product id, or NO_MATCH."""
    authority = "amzn1.er-authority.echo-sdk.skill.PRODUCT"
    if no_match:
        resolutions = Resolutions(
            resolutions_per_authority=[
                Resolution(authority=authority, status=Status(code=StatusCode.ER_SUCCESS_NO_MATCH))
            ]
        )
        return Slot(name=name, value=words or "unicorn", resolutions=resolutions)
    if product is None:
        return Slot(name=name, value=words or None)
    resolutions = Resolutions(
        resolutions_per_authority=[
            Resolution(
                authority=authority,
                status=Status(code=StatusCode.ER_SUCCESS_MATCH),
                values=[ValueWrapper(value=Value(name=product.name, id=str(product.pk)))],
            )
        ]
    )
    return Slot(name=name, value=words or product.name, resolutions=resolutions)


def envelope(
    request,
    *,
    skill_id: str,
    user_id: str = "amzn1.ask.account.SHOPPER1",
    consent: str | None = "GRANTED",
    session_id: str | None = None,
    new: bool = False,
    api_endpoint: str = "https://api.amazonalexa.com",
    api_token: str = ACCESS_TOKEN,
) -> dict:
    scopes = {AUTOPAY_SCOPE: Scope(status=PermissionStatus(consent))} if consent else None
    permissions = Permissions(consent_token="consent-token", scopes=scopes) if consent else None
    user = User(user_id=user_id, access_token=None, permissions=permissions)
    application = Application(application_id=skill_id)
    env = RequestEnvelope(
        version="1.0",
        session=Session(
            new=new,
            session_id=session_id or f"amzn1.echo-api.session.{uuid.uuid4()}",
            application=application,
            attributes={},
            user=user,
        ),
        context=Context(
            system=SystemState(
                application=application,
                user=user,
                device=Device(
                    device_id="amzn1.ask.device.TEST", supported_interfaces=SupportedInterfaces()
                ),
                api_endpoint=api_endpoint,
                api_access_token=api_token,
            )
        ),
        request=request,
    )
    return cast(dict[str, Any], serializer.serialize(env))


def launch(locale="en-US"):
    return LaunchRequest(
        request_id=f"amzn1.echo-api.request.{uuid.uuid4()}",
        timestamp=datetime.now(UTC),
        locale=locale,
    )


def intent(name: str, slots: dict | None = None, locale="en-US"):
    return IntentRequest(
        request_id=f"amzn1.echo-api.request.{uuid.uuid4()}",
        timestamp=datetime.now(UTC),
        locale=locale,
        intent=Intent(
            name=name,
            slots=slots or {},
            confirmation_status=IntentConfirmationStatus.NONE,
        ),
    )


def session_ended(locale="en-US"):
    return SessionEndedRequest(
        request_id=f"amzn1.echo-api.request.{uuid.uuid4()}",
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
        api_endpoint="https://api.amazonalexa.com",
        api_token=ACCESS_TOKEN,
    ):
        self.client = client
        self.skill_id = skill_id
        self.user_id = user_id
        self.locale = locale
        self.consent = consent
        self.api_endpoint = api_endpoint  # where the skill reaches Alexa's APIs
        self.api_token = api_token  # what this shopper granted there
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

    def send(self, request) -> dict:
        return self.post(
            envelope(
                request,
                skill_id=self.skill_id,
                user_id=self.user_id,
                consent=self.consent,
                api_endpoint=self.api_endpoint,
                api_token=self.api_token,
                session_id=self.session_id,
            )
        )

    def new_session(self) -> str:
        """Keep the following requests in one new Alexa session."""
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        return self.session_id

    def send_request_dict(self, request: dict) -> dict:
        """A request Alexa sends as JSON (a ``Connections.Response`` from a sandbox)."""
        env = envelope(
            launch(self.locale),
            skill_id=self.skill_id,
            user_id=self.user_id,
            consent=self.consent,
            api_endpoint=self.api_endpoint,
            api_token=self.api_token,
            session_id=self.session_id,
        )
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


def skill_event(
    event_type: str,
    body: dict | None = None,
    *,
    skill_id: str,
    user_id: str = "amzn1.ask.account.SHOPPER1",
    api_endpoint: str = "https://api.amazonalexa.com",
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
        "requestId": request_id or f"amzn1.echo-api.request.{uuid.uuid4()}",
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
