"""A store's own shop domain (``Store.shop_domain``): a request whose host is that domain is
the store's, served at the host's root.

``ShopDomainMiddleware`` maps the host to the store (cached for ``SHOP_DOMAIN_CACHE_SECONDS``,
at most one query on a miss, none on a hit, unknown hosts cached too) and points the request
at the store's pages without changing what the client sent (``request.path`` stays, so
signatures over ``@path`` still verify): ``/`` is the web shop's home, ``/.well-known/ucp``,
``/checkout-sessions``, ``/mcp`` and the other UCP operations are the store's UCP root
(``/ucp/<slug>/...``), ``/.well-known/oauth-protected-resource/mcp`` the MCP endpoint's
RFC 9728 metadata, a web shop page's own path (``/cart/``) is ``/shop/<slug>/cart/``, and
every path the portal already serves (``/shop/<slug>/...``, ``/static/``, ``/o/token/``) is
left as it is.

The host check stays strict: a store's domain is accepted for its own requests only, once it
is found among the stores' domains; every other host still has to be in ``ALLOWED_HOSTS``.
``merchant`` is the lowest app, so the other apps' pages are named by path, never imported.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve

from .models import Store
from .shop_domain import normalized_domain

CACHE_PREFIX = "shop-domain:"
UNKNOWN = "-"  # cached for a host that is no store's


@dataclass(frozen=True)
class DomainStore:
    pk: int
    slug: str
    domain: str


def store_for_domain(domain: str) -> DomainStore | None:
    """The store whose shop domain is ``domain`` (from the cache; one query on a miss)."""
    domain = normalized_domain(domain)
    if not domain:
        return None
    key = CACHE_PREFIX + domain
    cached = cache.get(key)
    if cached is None:
        row = Store.objects.filter(shop_domain=domain).values_list("pk", "slug").first()
        cached = f"{row[0]}:{row[1]}" if row else UNKNOWN
        cache.set(key, cached, settings.SHOP_DOMAIN_CACHE_SECONDS)
    if cached == UNKNOWN:
        return None
    pk, slug = cached.split(":", 1)
    return DomainStore(pk=int(pk), slug=slug, domain=domain)


def forget_domain(domain: str) -> None:
    if domain:
        cache.delete(CACHE_PREFIX + normalized_domain(domain))


@receiver(post_init, sender=Store)
def _remember_loaded_domain(sender, instance: Store, **kwargs) -> None:
    instance._loaded_shop_domain = instance.__dict__.get("shop_domain", "")  # type: ignore[attr-defined]


@receiver(post_save, sender=Store)
@receiver(post_delete, sender=Store)
def _forget_domain(sender, instance: Store, **kwargs) -> None:
    """A changed domain is served (and the old one let go) at once in this process, within
    ``SHOP_DOMAIN_CACHE_SECONDS`` in the others."""
    forget_domain(getattr(instance, "_loaded_shop_domain", ""))
    forget_domain(instance.shop_domain)
    instance._loaded_shop_domain = instance.shop_domain  # type: ignore[attr-defined]


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


PROTECTED_RESOURCE = "/.well-known/oauth-protected-resource/"


def store_path(store: DomainStore, path: str) -> str:
    """Where ``path`` on the store's domain is served in the portal's own URLs."""
    if path == "/":
        return f"/shop/{store.slug}/"
    if path.startswith(PROTECTED_RESOURCE):
        # RFC 9728: the metadata of the resource at ``/mcp`` on the domain is the one of
        # ``/ucp/<slug>/mcp`` on the portal.
        metadata = f"{PROTECTED_RESOURCE}ucp/{store.slug}/{path[len(PROTECTED_RESOURCE) :]}"
        if _resolves(metadata):
            return metadata
    ucp = f"/ucp/{store.slug}{path}"
    if _resolves(ucp):
        return ucp
    if _resolves(path):
        return path
    shop = f"/shop/{store.slug}{path}"
    return shop if _resolves(shop) else path


def ucp_root(request: HttpRequest, slug: str) -> str:
    """The store's UCP root for this request: the host's root on the store's own domain,
    ``/ucp/<slug>`` under it everywhere else."""
    base = request.build_absolute_uri("/").rstrip("/")
    served = getattr(request, "shop_domain_store", None)
    if served is not None and served.slug == slug:
        return base
    return f"{base}/ucp/{slug}"


def raw_host_of(request: HttpRequest) -> str:
    """The host the client named, unchecked (as ``HttpRequest.get_host`` reads it)."""
    meta = request.META
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
        return str(meta["HTTP_X_FORWARDED_HOST"])
    return str(meta.get("HTTP_HOST") or meta.get("SERVER_NAME", ""))


def portal_host(domain: str) -> bool:
    """One of the portal's own hosts (``ALLOWED_HOSTS``, its wildcard aside), which no store
    may take as its domain: such a request is the portal's, with no lookup."""
    own = [host for host in settings.ALLOWED_HOSTS if host != "*"]
    return validate_host(domain, own)


class ShopDomainMiddleware:
    """Early in ``MIDDLEWARE`` (before anything asks for the host): see the module."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw_host = raw_host_of(request)
        domain, _port = split_domain_port(raw_host)
        store = store_for_domain(domain) if domain and not portal_host(domain) else None
        if store is not None:
            # Accepted for this request only: the host is a store's validated domain.
            request.get_host = lambda: raw_host  # type: ignore[method-assign]
            request.shop_domain_store = store  # type: ignore[attr-defined]
            request.path_info = store_path(store, request.path_info)
        return self.get_response(request)
