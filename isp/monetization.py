"""The Monetization Service API client: what a shopper can buy and owns, asked at runtime.

``GET {apiEndpoint}/v1/users/~current/skills/~current/inSkillProducts`` (paged by
``nextToken``) and ``…/inSkillProducts/{productId}``, with the request's ``apiAccessToken``
and ``Accept-Language``, through the one client for Amazon (``alexa.http``). Calls go only
to the hosts in ``ALEXA_API_HOSTS`` over HTTPS, or, for a store in ISP sandbox mode, to the
portal's own sandbox (the origin of ``ISP_SANDBOX_BASE_URL``, the same code over real
HTTP). Each call has ``ISP_API_TIMEOUT_SECONDS``; a paged list gets twice that in all.

Nothing here raises to the caller: a slow, refusing or failing Amazon, a malformed body or
a value outside Amazon's enums (which ask-sdk's own client turns into a lost response)
gives ``available=False``, and the skill carries on with the free experience. Redirects are
not followed.
"""

import logging
import time
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings

from alexa import http

from . import facts
from .selectors import store_in_isp_sandbox

logger = logging.getLogger(__name__)

PRODUCTS_PATH = "/v1/users/~current/skills/~current/inSkillProducts"
MAX_PAGES = 10


@dataclass(frozen=True)
class IspProductState:
    """One product as the Monetization API reports it for the current shopper."""

    product_id: str
    reference_name: str
    type: str
    name: str
    summary: str
    entitled: bool
    entitlement_reason: str
    purchasable: bool
    active_entitlement_count: int
    purchase_mode: str


@dataclass(frozen=True)
class ProductsResult:
    """``available`` False: the API could not be used (``reason`` says why, for logs)."""

    available: bool
    products: tuple[IspProductState, ...] = ()
    reason: str = ""

    def by_reference_name(self) -> dict[str, IspProductState]:
        return {p.reference_name: p for p in self.products}


@dataclass(frozen=True)
class ProductResult:
    available: bool
    product: IspProductState | None = None  # None with available: Amazon answered 404
    reason: str = ""


@dataclass
class _Call:
    base: str
    allowed: http.AllowList
    token: str
    locale: str
    deadline: float


class _Unusable(Exception):
    """The call failed in a way the skill treats as "ISP unavailable"."""


def fetch_in_skill_products(
    *,
    store,
    api_endpoint: str,
    api_access_token: str,
    locale: str,
    max_results: int = 100,
    product_type: str = "",
    entitled: str = "",
    purchasable: str = "",
) -> ProductsResult:
    """Every product of the skill with the shopper's state, following ``nextToken``."""
    try:
        call = _prepare(store, api_endpoint, api_access_token, locale, pages=2)
        params: dict[str, str | int] = {"maxResults": max(1, min(100, max_results))}
        for key, value in (
            ("productType", product_type),
            ("entitled", entitled),
            ("purchasable", purchasable),
        ):
            if value:
                params[key] = value
        products: list[IspProductState] = []
        for _ in range(MAX_PAGES):
            body = _get(call, PRODUCTS_PATH, params)
            if not isinstance(body, dict) or not isinstance(body.get("inSkillProducts"), list):
                raise _Unusable("no inSkillProducts list")
            products += [_product(item) for item in body["inSkillProducts"]]
            next_token = body.get("nextToken")
            if not body.get("isTruncated") or not next_token:
                return ProductsResult(available=True, products=tuple(products))
            if not isinstance(next_token, str):
                raise _Unusable("nextToken is not a string")
            params = {**params, "nextToken": next_token}
        raise _Unusable(f"more than {MAX_PAGES} pages")
    except _Unusable as exc:
        logger.warning("Monetization API unavailable for store %s: %s", store.pk, exc)
        return ProductsResult(available=False, reason=str(exc))


def products_from_records(*, products, observed: dict, available: bool, locale: str):
    """The ``ProductsResult`` the Monetization API gave at the session's start, rebuilt
    from what the portal recorded then (``products``: the store's products; ``observed``:
    ``selectors.observed_entitlements``), so later turns of the session ask Amazon nothing."""
    if not available:
        return ProductsResult(available=False, reason="unavailable at the session's start")
    states = []
    for product in products:
        row = observed.get(product.pk)
        texts = product.texts(locale)
        states.append(
            IspProductState(
                product_id=product.amazon_product_id,
                reference_name=product.reference_name,
                type=product.type,
                name=texts.name if texts else product.reference_name,
                summary=texts.summary if texts else "",
                entitled=bool(row and row.entitled),
                entitlement_reason=row.entitlement_reason if row else "NOT_PURCHASED",
                purchasable=product.purchasable,
                active_entitlement_count=row.active_entitlement_count if row else 0,
                purchase_mode=row.purchase_mode if row and row.purchase_mode else "LIVE",
            )
        )
    return ProductsResult(available=True, products=tuple(states))


def fetch_in_skill_product(
    *, store, api_endpoint: str, api_access_token: str, locale: str, product_id: str
) -> ProductResult:
    """One product (also the paid-skill check with the skill id); 404 gives ``None``."""
    try:
        call = _prepare(store, api_endpoint, api_access_token, locale, pages=1)
        path = f"{PRODUCTS_PATH}/{quote(product_id, safe='')}"
        body = _get(call, path, {}, not_found_ok=True)
        if body is None:
            return ProductResult(available=True, product=None)
        return ProductResult(available=True, product=_product(body))
    except _Unusable as exc:
        logger.warning("Monetization API unavailable for store %s: %s", store.pk, exc)
        return ProductResult(available=False, reason=str(exc))


def _prepare(store, api_endpoint, api_access_token, locale, *, pages) -> _Call:
    if not api_access_token:
        raise _Unusable("no apiAccessToken")
    if not locale:
        raise _Unusable("no locale")
    if store_in_isp_sandbox(store):
        base = settings.ISP_SANDBOX_BASE_URL
        allowed = http.sandbox_origin(base)
    else:
        base = api_endpoint or ""
        allowed = http.amazon_hosts(settings.ALEXA_API_HOSTS)
        if not allowed.allows(base):
            raise _Unusable(f"apiEndpoint {base!r} is not an allowed Alexa API host")
    timeout = settings.ISP_API_TIMEOUT_SECONDS
    return _Call(
        base=base.rstrip("/"),
        allowed=allowed,
        token=api_access_token,
        locale=locale,
        deadline=time.monotonic() + timeout * pages,
    )


def _get(call: _Call, path: str, params: dict, *, not_found_ok: bool = False):
    remaining = call.deadline - time.monotonic()
    if remaining <= 0:
        raise _Unusable("out of time")
    timeout = min(settings.ISP_API_TIMEOUT_SECONDS, remaining)
    try:
        response = http.get(
            call.base + path,
            allowed=call.allowed,
            timeout=timeout,
            params=params,
            headers={
                "Authorization": f"Bearer {call.token}",
                "Accept-Language": call.locale,
                "Accept": "application/json",
            },
        )
    except http.Unreachable as exc:
        raise _Unusable(exc.kind) from exc
    if response.status_code == 404 and not_found_ok:
        return None
    if response.status_code != 200:
        raise _Unusable(f"HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise _Unusable("body is not JSON") from exc


def _product(item) -> IspProductState:
    """One product object, refusing anything outside Amazon's documented shape."""
    if not isinstance(item, dict):
        raise _Unusable("product is not an object")
    strings = ["productId", "referenceName", "type", "name", "summary", "entitled"]
    strings += ["entitlementReason", "purchasable", "purchaseMode"]
    for key in strings:
        if not isinstance(item.get(key), str):
            raise _Unusable(f"product field {key} missing or not a string")
    count = item.get("activeEntitlementCount")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise _Unusable("activeEntitlementCount is not a count")
    checks = [
        ("type", facts.ProductType.values),
        ("entitled", facts.ENTITLED),
        ("entitlementReason", facts.ENTITLEMENT_REASONS),
        ("purchasable", facts.PURCHASABLE),
        ("purchaseMode", facts.PURCHASE_MODES),
    ]
    for key, known in checks:
        if item[key] not in known:
            raise _Unusable(f"unknown {key} {item[key]!r}")
    return IspProductState(
        product_id=item["productId"],
        reference_name=item["referenceName"],
        type=item["type"],
        name=item["name"],
        summary=item["summary"],
        entitled=item["entitled"] == "ENTITLED",
        entitlement_reason=item["entitlementReason"],
        purchasable=item["purchasable"] == "PURCHASABLE",
        active_entitlement_count=count,
        purchase_mode=item["purchaseMode"],
    )
