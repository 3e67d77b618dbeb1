"""The Skill Management API client of a store: ask-smapi-model's
``SkillManagementServiceClient`` with its typed requests, over ``requests`` with a timeout.

The SDK's own HTTP client refuses plain-http addresses and its LWA client calls
api.amazon.com: a store in sandbox mode talks to this deployment's ``/sandbox/smapi`` and
``/sandbox/lwa`` (from ``PUBLIC_BASE_URL``, plain http on a developer's machine), so both
get this module's HTTP client and the addresses the store's mode says. The access token is
refreshed by the SDK's ``LwaClient`` from the connection's refresh token (about a minute
before it expires)."""

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ask_sdk_model_runtime import (
    ApiClient,
    ApiClientRequest,
    ApiClientResponse,
    ApiConfiguration,
    AuthenticationConfiguration,
    DefaultSerializer,
)
from ask_sdk_model_runtime.exceptions import ApiClientException, ServiceException
from ask_sdk_model_runtime.lwa import LwaClient
from ask_smapi_model.services.skill_management import SkillManagementServiceClient
from django.conf import settings

from alexa import http
from merchant.crypto import decrypt
from merchant.models import Store
from voicelab.models import SmapiConnection

# What the portal asks the owner's account for: the ASK CLI's skill and model scopes, testing
# (enablement, validations, simulations) and in-skill products.
SCOPES = [
    "alexa::ask:skills:readwrite",
    "alexa::ask:models:readwrite",
    "alexa::ask:skills:test",
    "alexa::ask:isp:readwrite",
]
# Without a security profile of its own or the deployment's, a store in sandbox mode uses this
# one (the sandbox's LWA accepts any client).
SANDBOX_CLIENT_ID = "amzn1.application-oa2-client.voice-store-sandbox"
SANDBOX_CLIENT_SECRET = "voice-store-sandbox-secret"
USER_AGENT = "voice-store-portal"


class SmapiError(Exception):
    """A call to Amazon failed: ``str(exc)`` says so in words; ``answer`` is Amazon's body."""

    def __init__(self, message: str, *, status: int | None = None, answer: Any = None):
        super().__init__(message)
        self.status = status
        self.answer = answer


class HttpClient(ApiClient):
    """The SDK's calls through the portal's one client for Amazon (``alexa.http``: only the
    hosts allowed, no redirects, a timeout); the body is JSON-encoded when the request says
    it is JSON, as the SDK's own client does."""

    def __init__(self, allowed: http.AllowList, timeout: float | None = None):
        self.allowed = allowed
        self.timeout = timeout

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        headers: dict[str, str] = {}
        for key, value in request.headers or []:
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        body = request.body
        if body and "json" in headers.get("Content-type", "") and not isinstance(body, str):
            body = json.dumps(body)
        try:
            response = http.request(
                request.method,
                request.url,
                allowed=self.allowed,
                timeout=self.timeout or settings.SMAPI_TIMEOUT_SECONDS,
                headers=headers,
                data=body or None,
            )
        except http.Unreachable as exc:
            raise ApiClientException(f"Amazon could not be reached: {exc}") from exc
        return ApiClientResponse(
            headers=list(response.headers.items()),
            status_code=response.status_code,
            body=response.text,
        )


@dataclass(frozen=True)
class Endpoints:
    authorize: str  # LWA's consent page
    lwa: str  # LWA's API (``/auth/o2/token`` below it)
    smapi: str  # SMAPI


def endpoints(*, sandbox: bool) -> Endpoints:
    if sandbox:
        base = settings.PUBLIC_BASE_URL.rstrip("/")
        return Endpoints(
            authorize=f"{base}/sandbox/lwa/ap/oa",
            lwa=f"{base}/sandbox/lwa",
            smapi=f"{base}/sandbox/smapi",
        )
    return Endpoints(
        authorize=settings.LWA_AUTHORIZE_URL,
        lwa=settings.LWA_API_BASE.rstrip("/"),
        smapi=settings.SMAPI_API_BASE.rstrip("/"),
    )


def allowed_hosts(*, sandbox: bool) -> http.AllowList:
    """Where a connection's calls may go: the sandbox's origin, or Amazon's LWA and SMAPI
    hosts."""
    if sandbox:
        return http.sandbox_origin(settings.PUBLIC_BASE_URL)
    where = endpoints(sandbox=False)
    return http.amazon_hosts({urlsplit(where.lwa).netloc, urlsplit(where.smapi).netloc})


def upload_hosts(*, sandbox: bool, upload_url: str) -> http.AllowList:
    """Where the package may be uploaded: the sandbox, or the Amazon S3 host SMAPI named."""
    if sandbox:
        return http.sandbox_origin(settings.PUBLIC_BASE_URL)
    host = urlsplit(upload_url).netloc
    return http.amazon_hosts({host} if host.endswith(".amazonaws.com") else set())


def store_uses_sandbox(store: Store) -> bool:
    return store.sandbox_mode


def security_profile(*, connection: SmapiConnection | None, sandbox: bool) -> tuple[str, str]:
    """The LWA client id and secret: the store's own, else the deployment's, else (sandbox
    mode) the sandbox's."""
    if connection is not None and connection.client_id:
        return connection.client_id, decrypt(connection.client_secret_encrypted)
    if settings.LWA_CLIENT_ID:
        return settings.LWA_CLIENT_ID, settings.LWA_CLIENT_SECRET
    if sandbox:
        return SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
    return "", ""


def smapi_client(
    connection: SmapiConnection, *, timeout: float | None = None
) -> SkillManagementServiceClient:
    """The connected store's SMAPI client (a fresh access token on its first call); each
    call waits ``timeout`` seconds at most (default ``SMAPI_TIMEOUT_SECONDS``)."""
    where = endpoints(sandbox=connection.sandbox)
    client_id, client_secret = security_profile(connection=connection, sandbox=connection.sandbox)
    serializer = DefaultSerializer()
    allowed = allowed_hosts(sandbox=connection.sandbox)
    authentication = AuthenticationConfiguration(
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=decrypt(connection.refresh_token_encrypted),
    )
    lwa = LwaClient(
        api_configuration=ApiConfiguration(
            serializer=serializer, api_client=HttpClient(allowed, timeout), api_endpoint=where.lwa
        ),
        authentication_configuration=authentication,
        grant_type=LwaClient.LWA_CREDENTIALS_GRANT_TYPE,
    )
    return SkillManagementServiceClient(
        api_configuration=ApiConfiguration(
            serializer=serializer, api_client=HttpClient(allowed, timeout), api_endpoint=where.smapi
        ),
        authentication_configuration=authentication,
        lwa_client=lwa,
        custom_user_agent=USER_AGENT,
    )


_SERIALIZER = DefaultSerializer()


def answer_json(value: Any) -> Any:
    """An SDK model (or list of them) as Amazon's JSON (camelCase keys, enum values)."""
    if value is None:
        return None
    return _SERIALIZER.serialize(value)


def typed(data: dict, model: str) -> Any:
    """Our JSON (in Amazon's shapes) as the SDK's typed model named ``model``."""
    return _SERIALIZER.deserialize(json.dumps(data), model)


def call(operation: str, function, *args, **kwargs) -> Any:
    """Run one SDK call with ``full_response`` (status, headers and typed body); Amazon's
    refusal or an unreachable host becomes ``SmapiError`` in words."""
    try:
        return function(*args, full_response=True, **kwargs)
    except ServiceException as exc:
        if exc.body is None and isinstance(exc.__context__, ApiClientException):
            # The SDK reports a call that never got an answer as HTTP 500: say what happened.
            raise SmapiError(f"{operation} failed: {exc.__context__}") from exc
        body = _parsed(exc.body)
        raise SmapiError(
            f"Amazon refused {operation} (HTTP {exc.status_code}): {_message(body) or exc}",
            status=exc.status_code,
            answer=body,
        ) from exc
    except (ApiClientException, ValueError) as exc:
        raise SmapiError(f"{operation} failed: {exc}") from exc


def _parsed(body: Any) -> Any:
    if isinstance(body, str):
        return _message(body)
    if body is None or isinstance(body, dict | list | int | float | bool):
        return body
    try:
        return answer_json(body)
    except Exception:  # an odd body is still reported, as text
        return str(body)


def _message(body: Any) -> str:
    if isinstance(body, dict):
        message = body.get("message") or body.get("error_description") or ""
        violations = body.get("violations") or []
        extra = "; ".join(str(v.get("message", "")) for v in violations if isinstance(v, dict))
        return "; ".join(part for part in (str(message), extra) if part)
    text = str(body or "").strip()
    if text.lower().startswith(("<!doctype", "<html")):
        return "an error page instead of an answer"
    return text[:300]
