"""What every shop page knows: the store named in its URL, the shopper signed in to that store
(or None), and the number of items in the shopper's cart for the header.

Views are plain functions wrapped in ``shop_page`` (anyone may open it) or ``shopper_page``
(a shopper of this store must be signed in; everyone else goes to this store's login page
and comes back). Both put ``request.store`` and ``request.shopper`` on the request and take
``store_slug`` off the view's keyword arguments; ``render_page`` adds them, with
``cart_count``, to the template's context (the context ``templates/shop/base.html`` reads).
A shopper signed in to another store is nobody here: ``shopper_for_request`` answers None.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, Protocol, cast
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from catalog.models import Product
from merchant.models import Store
from shoppers.models import ShopperAccount
from shoppers.selectors import shopper_for_request

from .selectors import cart_count


class ShopRequest(HttpRequest):
    """A request of a shop page (for the type checker: the two attributes the wrappers set)."""

    store: Store
    shopper: ShopperAccount | None


class SignedInRequest(ShopRequest):
    shopper: ShopperAccount


class _View(Protocol):
    def __call__(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse: ...


def _load(request: HttpRequest, store_slug: str) -> ShopRequest:
    shop_request = cast(ShopRequest, request)
    shop_request.store = get_object_or_404(Store, slug=store_slug)
    shop_request.shopper = shopper_for_request(request, shop_request.store)
    return shop_request


def shop_page(view: _View) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, store_slug: str, **kwargs: Any) -> HttpResponse:
        return view(_load(request, store_slug), **kwargs)

    return wrapped


def login_url(store: Store, next_path: str = "") -> str:
    url = reverse("shop:login", args=[store.slug])
    return f"{url}?{urlencode({'next': next_path})}" if next_path else url


def shopper_page(view: _View) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, store_slug: str, **kwargs: Any) -> HttpResponse:
        shop_request = _load(request, store_slug)
        if shop_request.shopper is None:
            return redirect(login_url(shop_request.store, request.get_full_path()))
        return view(shop_request, **kwargs)

    return wrapped


def image_origins(products: Iterable[Product]) -> list[str]:
    """The origins of the products' images (the merchant's image host), for the page's CSP."""
    origins = set()
    for product in products:
        parts = urlsplit(product.shop_image_url)
        if parts.scheme == "https" and parts.netloc:
            origins.add(f"https://{parts.netloc}")
    return sorted(origins)


def render_page(
    request: ShopRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    images_of: Iterable[Product] = (),
) -> HttpResponse:
    """The page, with ``store``, ``shopper`` and ``cart_count`` in its context; the
    products' image hosts are added to the page's ``img-src`` (the portal's policy allows
    only this site's images)."""
    shopper = request.shopper
    page = {
        "store": request.store,
        "shopper": shopper,
        "cart_count": cart_count(shopper.customer_id) if shopper is not None else 0,
        "shop_language": request.store.default_locale.split("-")[0],
        **(context or {}),
    }
    response = render(request, template, page, status=status)
    origins = image_origins(images_of)
    if origins:
        update = {"img-src": origins}
        response._csp_update = update  # type: ignore[attr-defined]  # read by django-csp
        response._csp_update_ro = update  # type: ignore[attr-defined]
    return response
