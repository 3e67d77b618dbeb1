"""The HTTP side of a delivery: where an endpoint may point, and a connection pinned to the
address that was checked.

A webhook URL is written by a merchant, so the portal must not become a way to reach its own
network (server-side request forgery). At delivery time the host name is resolved once; every
address it resolves to must be public (not loopback, private, link-local, shared, reserved,
multicast or unspecified: ``ipaddress``' ``is_global``), and an IPv6 address that carries an
IPv4 address (IPv4-mapped, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``, a Teredo client) must
carry a public one: ``is_global`` holds for NAT64 and 6to4 whatever they carry, so
``[64:ff9b::127.0.0.1]`` would reach loopback through a NAT64 gateway. The deprecated
IPv4-compatible range ``::/96`` and the local-use NAT64 range ``64:ff9b:1::/48`` (RFC 8215) are
never on the internet and are refused whole. Else nothing is sent. The request
then connects to that checked address (``PinnedAdapter``) while the ``Host`` header, TLS SNI
and certificate check still use the name in the URL: a second DNS answer (DNS rebinding)
never reaches the socket. Redirects are not followed, proxies from the environment are not
used, and connect and read are bounded.

``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` lifts the address rule (and the HTTPS rule) for
development and tests only.
"""

import ipaddress
import socket
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection

if TYPE_CHECKING:
    # What the mixins are mixed into, so that the type checker knows their attributes.
    _ConnectionBase = HTTPConnection
    _PoolBase = HTTPConnectionPool
else:
    _ConnectionBase = _PoolBase = object


class AddressRefused(Exception):
    """The endpoint may not be called; the message says why, for the attempt log."""


def url_problem(url: str) -> str:
    """Why ``url`` cannot be an endpoint ('' when it can): checked when it is saved."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (
        settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES and parts.scheme == "http"
    ):
        return "Use an https:// address: webhooks are only sent over HTTPS."
    if not parts.hostname:
        return "The address has no host name."
    if parts.username or parts.password:
        return "Leave user names and passwords out of the address; verify the signature instead."
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        try:
            ip = ipaddress.ip_address(parts.hostname)
        except ValueError:
            return ""
        if not _is_public(ip):
            return f"{ip} is not a public address: webhooks go to the internet only."
    return ""


IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def _is_public(ip) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in IPV4_COMPATIBLE or ip in NAT64_LOCAL:
            return False
        if not all(_is_public(carried) for carried in _carried_ipv4(ip)):
            return False
    return ip.is_global and not ip.is_multicast


def _carried_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: mapped, NAT64, 6to4, Teredo's client."""
    if ip.ipv4_mapped:
        return [ip.ipv4_mapped]
    if ip in NAT64:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip.sixtofour:
        return [ip.sixtofour]
    if ip.teredo:
        return [ip.teredo[1]]
    return []


def resolve_checked(host: str, port: int) -> str:
    """The address to connect to: ``host`` resolved now, every answer checked."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise AddressRefused(f"{host} does not resolve ({exc.strerror}).") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in answers]
    if not addresses:
        raise AddressRefused(f"{host} does not resolve.")
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        refused = [str(ip) for ip in addresses if not _is_public(ip)]
        if refused:
            raise AddressRefused(
                f"{host} resolves to {', '.join(refused)}: loopback, private, link-local and "
                "reserved addresses are refused."
            )
    return str(addresses[0])


# A connection that dials the checked address instead of resolving the host again. -----------


class _PinnedConnectionMixin(_ConnectionBase):
    pinned_ip = ""

    def _new_conn(self):
        try:
            return connection.create_connection(
                (self.pinned_ip, self.port),
                self.timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )
        except TimeoutError as exc:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            ) from exc
        except OSError as exc:
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc


class _PinnedHTTPConnection(_PinnedConnectionMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, HTTPSConnection):
    pass


class _PinnedPoolMixin(_PoolBase):
    pinned_ip = ""

    def _new_conn(self):
        # ConnectionCls makes it one of the pinned connections.
        conn = cast(_PinnedConnectionMixin, super()._new_conn())
        conn.pinned_ip = self.pinned_ip
        return conn


class _PinnedHTTPPool(_PinnedPoolMixin, HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(_PinnedPoolMixin, HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _PinnedPoolManager(PoolManager):
    def __init__(self, pinned_ip: str, **kwargs):
        super().__init__(**kwargs)
        self.pinned_ip = pinned_ip
        self.pool_classes_by_scheme = {"http": _PinnedHTTPPool, "https": _PinnedHTTPSPool}

    def _new_pool(self, scheme, host, port, request_context=None):
        # pool_classes_by_scheme makes it one of the pinned pools.
        pool = cast(_PinnedPoolMixin, super()._new_pool(scheme, host, port, request_context))
        pool.pinned_ip = self.pinned_ip
        return pool


class PinnedAdapter(HTTPAdapter):
    """A requests adapter whose every connection goes to ``pinned_ip``; no retries."""

    def __init__(self, pinned_ip: str):
        self.pinned_ip = pinned_ip
        super().__init__(max_retries=0)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        self.poolmanager = _PinnedPoolManager(
            self.pinned_ip, num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs
        )
