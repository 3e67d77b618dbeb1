"""The one HTTP client for Amazon's APIs: the Alexa APIs a turn reads (device address,
profile email), the Monetization Service API (or the embedded ISP sandbox that stands in for
it), Login with Amazon and the Proactive Events API.

Every call

- goes only where an ``AllowList`` lets it, checked on the very URL requested: HTTPS to one
  of Amazon's hosts the settings name (``amazon_hosts``: ``ALEXA_API_HOSTS``, the regional
  Alexa API hosts a request's ``apiEndpoint`` may name; ``ALEXA_LWA_HOSTS``, Login with
  Amazon), compared with the URL's ``host[:port]`` exactly (user info, another port or
  another spelling is not the host); or the one origin of an embedded sandbox the portal is
  configured with (``sandbox_origin``, plain HTTP allowed: development and tests);
- verifies the server's TLS certificate (requests' CA bundle, or ``REQUESTS_CA_BUNDLE``);
- never follows a redirect: a 3xx is an answer like any other;
- has a timeout, given by the caller, for connecting and again for reading;
- ends in one of three ways: an HTTP answer of any status (the caller reads its status and
  body), ``HostNotAllowed`` (nothing was sent), or ``Unreachable`` (no answer: refused,
  timed out, TLS failed; ``kind`` names what, e.g. ``ReadTimeout``). ``retryable`` says
  which answers may be asked again later.

An error's message names the host and what went wrong, never a URL's path, a body, a token
or a secret; nothing here logs.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests


class Unreachable(Exception):
    """No HTTP answer: ``netloc`` is where, ``kind`` what went wrong (e.g. ``ReadTimeout``)."""

    def __init__(self, netloc: str, kind: str, message: str = ""):
        self.netloc = netloc or "?"
        self.kind = kind
        super().__init__(message or f"{self.netloc}: {kind}")


class HostNotAllowed(Unreachable):
    """Not a scheme and host the allow-list names: nothing was sent (one ``except
    Unreachable`` catches both)."""

    def __init__(self, netloc: str):
        super().__init__(netloc, "HostNotAllowed", f"not an allowed Amazon host: {netloc or '?'}")


@dataclass(frozen=True)
class AllowList:
    """Where calls may go: these ``host[:port]`` over these schemes."""

    netlocs: frozenset[str]
    schemes: frozenset[str] = frozenset({"https"})

    def allows(self, url: str) -> bool:
        parts = urlsplit(url or "")
        return parts.scheme in self.schemes and bool(parts.netloc) and parts.netloc in self.netlocs

    def check(self, url: str) -> str:
        """The URL's ``host[:port]``; raises ``HostNotAllowed`` unless it is allowed."""
        if not self.allows(url):
            raise HostNotAllowed(urlsplit(url or "").netloc)
        return urlsplit(url).netloc


def amazon_hosts(netlocs: Iterable[str]) -> AllowList:
    """HTTPS to Amazon's hosts (a setting such as ``ALEXA_API_HOSTS``)."""
    return AllowList(frozenset(netlocs))


def sandbox_origin(base_url: str) -> AllowList:
    """The origin of an embedded sandbox's configured base URL, with its own scheme."""
    parts = urlsplit(base_url or "")
    if not parts.scheme or not parts.netloc:
        return AllowList(frozenset())
    return AllowList(frozenset({parts.netloc}), frozenset({parts.scheme}))


def retryable(status: int) -> bool:
    """Amazon is throttling (429) or failing (5xx): the same call may succeed later."""
    return status == 429 or status >= 500


def get(
    url: str,
    *,
    allowed: AllowList,
    timeout: float,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> requests.Response:
    return _call("GET", url, allowed=allowed, timeout=timeout, headers=headers, params=params)


def post(
    url: str,
    *,
    allowed: AllowList,
    timeout: float,
    headers: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
    json: dict[str, Any] | None = None,
) -> requests.Response:
    return _call(
        "POST", url, allowed=allowed, timeout=timeout, headers=headers, data=data, json=json
    )


def request(
    method: str,
    url: str,
    *,
    allowed: AllowList,
    timeout: float,
    headers: dict[str, str] | None = None,
    data: bytes | str | None = None,
) -> requests.Response:
    """Any method with a raw body (the Skill Management API's calls and uploads)."""
    return _call(method, url, allowed=allowed, timeout=timeout, headers=headers, data=data)


def _call(
    method: str, url: str, *, allowed: AllowList, timeout: float, **kwargs: Any
) -> requests.Response:
    netloc = allowed.check(url)
    try:
        return requests.request(
            method,
            url,
            timeout=(timeout, timeout),
            allow_redirects=False,
            verify=True,
            **kwargs,
        )
    except requests.RequestException as exc:
        raise Unreachable(netloc, type(exc).__name__) from exc
