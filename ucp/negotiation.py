"""Negotiation (overview.md): the platform names its profile in the ``UCP-Agent`` header on
every request; the business fetches it (cached), checks its protocol version and computes
the capabilities both sides support.

Errors, as the spec's registry says: a missing or malformed profile URL is 400
``invalid_profile_url``; a profile that cannot be fetched, 424 ``profile_unreachable``; one
that is not a UCP profile, 422 ``profile_malformed``; a protocol version this store does not
speak, 422 ``version_unsupported``.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

from webhooks.network import AddressRefused

from .network import http_get, loopback_allowed
from .protocol import CAPABILITIES, ORDER, VERSION, UcpError

_MEMBER = re.compile(r'\s*([a-z*][a-z0-9_.*-]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*')
VERSION_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Platform:
    profile_url: str
    name: str
    version: str
    capabilities: frozenset[str]
    webhook_url: str = ""
    signing_keys: list[dict[str, Any]] = field(default_factory=list)


def parse_agent_header(value: str) -> dict[str, str]:
    """The string members of an RFC 8941 dictionary (``profile="..."``), also read when they
    are written as parameters (``profile="..."; version="..."``)."""
    members: dict[str, str] = {}
    for part in re.split(r"[;,]", value or ""):
        match = _MEMBER.fullmatch(part)
        if match:
            members.setdefault(match.group(1), match.group(2).replace('\\"', '"'))
    return members


def _version_unsupported(version: str) -> UcpError:
    return UcpError(
        422,
        "version_unsupported",
        f"Protocol version {version} is not supported. This business implements {VERSION}.",
        severity="unrecoverable",
    )


def check_profile_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
        raise UcpError(
            400,
            "invalid_profile_url",
            'The UCP-Agent header must name the platform profile: profile="https://...".',
            severity="unrecoverable",
        )
    if parts.scheme == "http" and not loopback_allowed():
        raise UcpError(
            400,
            "invalid_profile_url",
            "Platform profiles are fetched over HTTPS only.",
            severity="unrecoverable",
        )


def remember_profile(url: str, profile: dict[str, Any], seconds: int = 300) -> None:
    """Put a profile the portal itself speaks for (the launch checklist's conformance run)
    where ``fetch_profile`` finds it, so nothing is fetched."""
    cache.set("ucp:profile:" + hashlib.sha256(url.encode()).hexdigest(), profile, seconds)


def fetch_profile(url: str) -> dict[str, Any]:
    """The platform profile at ``url``: from the cache, else fetched (and cached for at least
    ``UCP_PROFILE_CACHE_SECONDS``, never under 60 s)."""
    key = "ucp:profile:" + hashlib.sha256(url.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        result = http_get(url)
    except AddressRefused as exc:
        raise UcpError(
            400, "invalid_profile_url", f"The profile URL is refused: {exc}", "unrecoverable"
        ) from exc
    if result.status_code is None or not 200 <= result.status_code < 300:
        reason = result.error or f"HTTP {result.status_code}"
        raise UcpError(
            424,
            "profile_unreachable",
            f"Unable to fetch the platform profile: {reason}.",
            "unrecoverable",
        )
    try:
        profile = json.loads(result.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UcpError(
            422, "profile_malformed", "The platform profile is not JSON.", "unrecoverable"
        ) from exc
    if not isinstance(profile, dict) or not isinstance(profile.get("ucp"), dict):
        raise UcpError(
            422, "profile_malformed", "The platform profile has no ucp object.", "unrecoverable"
        )
    cache.set(key, profile, max(60, settings.UCP_PROFILE_CACHE_SECONDS))
    return profile


def _capability_versions(profile_ucp: dict[str, Any]) -> dict[str, set[str]]:
    caps = profile_ucp.get("capabilities")
    result: dict[str, set[str]] = {}
    if not isinstance(caps, dict):
        return result
    for name, entries in caps.items():
        if not isinstance(entries, list):
            continue
        versions = {e.get("version") for e in entries if isinstance(e, dict)}
        result[str(name)] = {v for v in versions if isinstance(v, str)}
    return result


def intersect(platform_versions: dict[str, set[str]]) -> frozenset[str]:
    """overview.md's intersection algorithm: a business capability stays when the platform
    lists it at a version we speak; extensions whose parent left are pruned. Test
    deployments (``UCP_SIMULATION_SECRET``) take the capabilities a profile does not
    mention as accepted: the conformance suite's agent profile lists the order capability
    only."""
    active = set()
    for name in CAPABILITIES:
        versions = platform_versions.get(name)
        if versions is None and loopback_allowed():
            active.add(name)
        elif versions and VERSION in versions:
            active.add(name)
    changed = True
    while changed:
        changed = False
        for name in list(active):
            parent = CAPABILITIES[name][2]
            if parent and parent not in active:
                active.discard(name)
                changed = True
    return frozenset(active)


def _webhook_url(profile_ucp: dict[str, Any]) -> str:
    entries = (profile_ucp.get("capabilities") or {}).get(ORDER) or []
    for entry in entries if isinstance(entries, list) else []:
        config = entry.get("config") if isinstance(entry, dict) else None
        if isinstance(config, dict) and isinstance(config.get("webhook_url"), str):
            return config["webhook_url"][:500]
    return ""


def negotiate(agent_header: str) -> Platform:
    """The platform of a request, from its ``UCP-Agent`` header; ``UcpError`` when the
    profile is missing, unreachable or malformed, or speaks another protocol version."""
    members = parse_agent_header(agent_header)
    declared = members.get("version", "")
    if declared and declared != VERSION:
        raise _version_unsupported(declared)
    url = members.get("profile", "")
    check_profile_url(url)
    profile = fetch_profile(url)
    profile_ucp = profile["ucp"]
    version = profile_ucp.get("version")
    if not isinstance(version, str) or not VERSION_PATTERN.match(version):
        raise UcpError(
            422,
            "profile_malformed",
            "The platform profile has no valid version.",
            "unrecoverable",
        )
    if version != VERSION:
        raise _version_unsupported(version)
    capabilities = intersect(_capability_versions(profile_ucp))
    webhook_url = _webhook_url(profile_ucp) if ORDER in capabilities else ""
    return Platform(
        profile_url=url,
        name=(urlsplit(url).netloc or url)[:120],
        version=version,
        capabilities=capabilities,
        webhook_url=webhook_url,
        signing_keys=[k for k in profile.get("signing_keys") or [] if isinstance(k, dict)]
        if isinstance(profile.get("signing_keys"), list)
        else [],
    )
