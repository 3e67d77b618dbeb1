"""Login with Amazon, client credentials: the access token a store's skill sends proactive
events with (scope ``alexa::proactive_events``).

One token per store and client id, kept in the process until shortly before it expires
(``expires_in`` minus ``MARGIN``), so a worker asks Login with Amazon about once an hour per
store. ``forget`` drops a token Amazon refused (HTTP 401) so the next call fetches a new one.
"""

import threading
import time
from dataclasses import dataclass

from django.conf import settings

from alexa import http
from alexa.scopes import PROACTIVE_EVENTS_SCOPE
from merchant import crypto
from merchant.models import Store

MARGIN = 60  # seconds before its expiry a token is no longer used


class TokenRefused(Exception):
    """Login with Amazon refused the credentials (a 4xx): the store must fix them."""


class TokenUnavailable(Exception):
    """Login with Amazon could not be reached or failed (429, 5xx): try again later."""


@dataclass
class _Token:
    value: str
    good_until: float  # time.monotonic()


_tokens: dict[tuple[int, str], _Token] = {}
_lock = threading.Lock()


def _key(store: Store) -> tuple[int, str]:
    return (store.pk, store.messaging_client_id)


def access_token(store: Store) -> str:
    """A valid token for the store's skill, from the cache or a new one."""
    with _lock:
        cached = _tokens.get(_key(store))
        if cached is not None and cached.good_until > time.monotonic():
            return cached.value
    token, lifetime = _fetch(store)
    with _lock:
        _tokens[_key(store)] = _Token(token, time.monotonic() + max(0, lifetime - MARGIN))
    return token


def forget(store: Store, token: str) -> None:
    """Amazon said the token is no longer valid: never use it again."""
    with _lock:
        cached = _tokens.get(_key(store))
        if cached is not None and cached.value == token:
            del _tokens[_key(store)]


def clear() -> None:
    with _lock:
        _tokens.clear()


def _fetch(store: Store) -> tuple[str, int]:
    try:
        secret = store.messaging_client_secret()
    except crypto.UndecryptableSecret as exc:
        raise TokenRefused(str(exc)) from exc
    try:
        response = http.post(
            settings.ALEXA_LWA_TOKEN_URL,
            allowed=http.amazon_hosts(settings.ALEXA_LWA_HOSTS),
            timeout=settings.ALEXA_NOTIFICATION_TIMEOUT_SECONDS,
            data={
                "grant_type": "client_credentials",
                "client_id": store.messaging_client_id,
                "client_secret": secret,
                "scope": PROACTIVE_EVENTS_SCOPE,
            },
            headers={"Accept": "application/json"},
        )
    except http.HostNotAllowed as exc:
        raise TokenRefused(str(exc)) from exc
    except http.Unreachable as exc:
        raise TokenUnavailable(str(exc)) from exc
    if http.retryable(response.status_code):
        raise TokenUnavailable(f"Login with Amazon answered HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or not isinstance(body, dict):
        error = body.get("error", "") if isinstance(body, dict) else ""
        raise TokenRefused(f"Login with Amazon answered HTTP {response.status_code} {error}")
    token, lifetime = body.get("access_token"), body.get("expires_in")
    if not isinstance(token, str) or not token or not isinstance(lifetime, int):
        raise TokenRefused("Login with Amazon answered without a token")
    return token, lifetime
