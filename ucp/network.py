"""Outbound HTTP of the UCP server: fetching platform profiles and posting order webhooks.

A platform names the URLs (its profile, its webhook), so the portal must not become a way to
reach its own network. The rules, checked before every request: HTTPS only; the host on the
allow-list when ``UCP_PLATFORM_HOSTS`` names any; every address the host resolves to public
(the webhooks app's rule and its pinned connection, so a second DNS answer never reaches the
socket); no redirects, no proxies from the environment, bounded connect and read. Test
deployments (``UCP_SIMULATION_SECRET`` set) also reach loopback addresses over plain HTTP,
where the conformance suite's agent profile and webhook receiver listen; never otherwise.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings

from webhooks.network import AddressRefused, PinnedAdapter

MAX_PROFILE_BYTES = 256 * 1024
EXCERPT_CHARS = 300


def loopback_allowed() -> bool:
    return bool(settings.UCP_SIMULATION_SECRET)


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        carried = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if carried is not None and not _public(carried):
            return False
    return ip.is_global and not ip.is_multicast


def host_allowed(host: str) -> bool:
    allowed = [h.lower().lstrip(".") for h in settings.UCP_PLATFORM_HOSTS]
    if not allowed:
        return True
    host = host.lower()
    return any(host == h or host.endswith("." + h) for h in allowed)


def checked_target(url: str) -> tuple[str, int, str]:
    """(host, port, address to connect to) for ``url``, or ``AddressRefused`` saying why."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise AddressRefused(f"Malformed URL: {exc}") from exc
    host = parts.hostname or ""
    if not host:
        raise AddressRefused("The URL has no host name.")
    if parts.username or parts.password:
        raise AddressRefused("User names and passwords are not allowed in the URL.")
    if parts.scheme not in ("https", "http"):
        raise AddressRefused("Only https:// URLs are fetched.")
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(f"{host} does not resolve.") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in answers]
    if not addresses:
        raise AddressRefused(f"{host} does not resolve.")
    all_loopback = all(ip.is_loopback for ip in addresses)
    if all_loopback and loopback_allowed():
        return host, port, str(addresses[0])
    if parts.scheme != "https":
        raise AddressRefused("Only https:// URLs are fetched.")
    if not host_allowed(host):
        raise AddressRefused(f"{host} is not on the list of platform hosts.")
    refused = [str(ip) for ip in addresses if not _public(ip)]
    if refused:
        raise AddressRefused(f"{host} resolves to non-public addresses ({', '.join(refused)}).")
    return host, port, str(addresses[0])


@dataclass(frozen=True)
class HttpResult:
    status_code: int | None
    body: bytes = b""
    error: str = ""
    duration_ms: int = 0


def _session(url: str, ip: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.mount(f"{urlsplit(url).scheme}://", PinnedAdapter(ip))
    return session


def _read(response: requests.Response, limit: int) -> bytes:
    data = response.raw.read(limit + 1, decode_content=True) or b""
    return data[: limit + 1]


def http_get(url: str, *, limit: int = MAX_PROFILE_BYTES) -> HttpResult:
    """GET ``url`` (checked, pinned, bounded); a body over ``limit`` bytes is an error."""
    started = time.monotonic()
    _, _, ip = checked_target(url)
    with _session(url, ip) as session:
        try:
            response = session.get(
                url,
                headers={"accept": "application/json", "user-agent": "VoiceStorePortal-UCP/1"},
                timeout=(
                    settings.UCP_CONNECT_TIMEOUT_SECONDS,
                    settings.UCP_READ_TIMEOUT_SECONDS,
                ),
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as exc:
            return HttpResult(None, error=f"{type(exc).__name__}: {exc}"[:255])
        with response:
            body = _read(response, limit)
    elapsed = int((time.monotonic() - started) * 1000)
    if len(body) > limit:
        return HttpResult(response.status_code, error="The response is too large.")
    return HttpResult(response.status_code, body=body, duration_ms=elapsed)


def http_post(url: str, *, body: bytes, headers: dict[str, str]) -> HttpResult:
    """POST ``body`` to ``url`` (checked, pinned, bounded, no redirects)."""
    started = time.monotonic()
    try:
        _, _, ip = checked_target(url)
    except AddressRefused as exc:
        return HttpResult(None, error=str(exc)[:255])
    with _session(url, ip) as session:
        try:
            response = session.post(
                url,
                data=body,
                headers=headers,
                timeout=(
                    settings.UCP_CONNECT_TIMEOUT_SECONDS,
                    settings.UCP_READ_TIMEOUT_SECONDS,
                ),
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as exc:
            return HttpResult(None, error=f"{type(exc).__name__}: {exc}"[:255])
        with response:
            excerpt = _read(response, EXCERPT_CHARS)
    elapsed = int((time.monotonic() - started) * 1000)
    return HttpResult(response.status_code, body=excerpt, duration_ms=elapsed)
