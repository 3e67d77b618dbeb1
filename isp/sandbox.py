"""The embedded ISP sandbox: Amazon's side of in-skill purchasing, for tests, the voice
console and the demos.

A store in ISP sandbox mode (``IspSettings.sandbox_mode``) sends its Monetization API calls
here (``/sandbox/monetization/``, ``sandbox_views.py``) over real HTTP with the same client
as for Amazon, and it plays Amazon's purchase dialogue (``purchase_flow``) on the
``Connections.SendRequest`` directive the skill returned, answering with the
``Connections.Response`` request Alexa would send next. Everything bought here is a test
purchase (``purchaseMode`` TEST).

Which store and user a call is for, the sandbox reads from the call's bearer token alone, as
Amazon does, and the skill runtime tells it nothing: the token is the request's
``apiAccessToken``, which the runtime passes on unread. Whoever plays Alexa for a sandbox
store (the voice console, the certification runner, tests) puts in that field a token the
sandbox issued (``sandbox_access_token``: the skill id and user id, signed with the portal's
secret key, so it cannot be forged and needs no row), just as Alexa puts there the token
Amazon issued. A driver that makes up its own tokens registers each one with the sandbox
first (``sandbox_learn_token``).
"""

import calendar
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone

from merchant.models import SkillId, Store

from .facts import LOCALE_MARKETPLACE, DirectiveName, ProductType, PurchaseResult
from .models import InSkillProduct, SandboxEntitlement, SandboxToken
from .models.sandbox import token_digest
from .selectors import store_in_isp_sandbox

TOKEN_DAYS = 2  # a token lives this long; older learned ones are forgotten
TOKEN_SALT = "isp-sandbox-access-token"


@dataclass(frozen=True)
class TokenOwner:
    """The store and user a bearer token was issued to."""

    store: Store
    user_id: str


def sandbox_access_token(*, skill_id: str, user_id: str) -> str:
    """The ``apiAccessToken`` the sandbox issues to ``user_id`` of the skill ``skill_id``."""
    return signing.dumps({"skill": skill_id, "user": user_id}, salt=TOKEN_SALT)


def sandbox_learn_token(*, store, user_id: str, api_access_token: str) -> bool:
    """Remember that ``api_access_token`` was issued to ``user_id`` (for a driver that makes
    up its own tokens; a no-op for a store not in ISP sandbox mode)."""
    if not api_access_token or not user_id or not store_in_isp_sandbox(store):
        return False
    SandboxToken.objects.update_or_create(
        digest=token_digest(api_access_token), defaults={"store": store, "user_id": user_id}
    )
    SandboxToken.objects.filter(
        store=store, created_at__lt=timezone.now() - timedelta(days=TOKEN_DAYS)
    ).delete()
    return True


def sandbox_token_owner(api_access_token: str) -> TokenOwner | None:
    """Whom the sandbox issued ``api_access_token`` to (or was told it was issued to)."""
    if not api_access_token:
        return None
    try:
        claims = signing.loads(
            api_access_token, salt=TOKEN_SALT, max_age=timedelta(days=TOKEN_DAYS)
        )
    except signing.BadSignature:
        claims = None
    if isinstance(claims, dict):
        skill_id, user_id = claims.get("skill"), claims.get("user")
        if not isinstance(skill_id, str) or not isinstance(user_id, str) or not user_id:
            return None
        row = SkillId.objects.select_related("store").filter(skill_id=skill_id).first()
        return TokenOwner(store=row.store, user_id=user_id) if row is not None else None
    learned = (
        SandboxToken.objects.select_related("store")
        .filter(digest=token_digest(api_access_token))
        .first()
    )
    return TokenOwner(store=learned.store, user_id=learned.user_id) if learned else None


def add_period(moment: datetime, period: str) -> datetime:
    months = 12 if period == "YEARLY" else 1
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _renew(row: SandboxEntitlement, product: InSkillProduct, now: datetime) -> None:
    """A renewing subscription whose period ended is renewed (the sandbox always pays)."""
    while row.auto_renew and row.period_end and row.period_end <= now:
        row.period_end = add_period(row.period_end, product.subscription_period)


@dataclass(frozen=True)
class State:
    entitled: bool
    count: int


def state_of(product: InSkillProduct, row: SandboxEntitlement | None, now=None) -> State:
    now = now or timezone.now()
    if row is None:
        return State(False, 0)
    if product.type == ProductType.ENTITLEMENT:
        return State(row.owned, int(row.owned))
    if product.type == ProductType.SUBSCRIPTION:
        _renew(row, product, now)
        active = bool(row.period_end and row.period_end > now)
        return State(active, int(active))
    return State(row.purchase_count > 0, row.purchase_count)


def product_json(product: InSkillProduct, row, locale: str, now=None) -> dict:
    """The product as ``GET …/inSkillProducts`` describes it for this user and locale."""
    now = now or timezone.now()
    state = state_of(product, row, now)
    texts = _texts(product, locale)
    on_sale = product.purchasable and _released(product, locale, now)
    if state.entitled and product.type != ProductType.CONSUMABLE:
        on_sale = False
    return {
        "productId": product.amazon_product_id,
        "referenceName": product.reference_name,
        "type": product.type,
        "name": texts.name if texts else product.reference_name,
        "summary": texts.summary if texts else "",
        "entitled": "ENTITLED" if state.entitled else "NOT_ENTITLED",
        "entitlementReason": "PURCHASED" if state.entitled else "NOT_PURCHASED",
        "purchasable": "PURCHASABLE" if on_sale else "NOT_PURCHASABLE",
        "activeEntitlementCount": state.count,
        "purchaseMode": "TEST",
    }


def _texts(product, locale):
    rows = list(product.localizations.all())
    language = locale.split("-")[0]
    for match in (
        lambda r: r.locale == locale,
        lambda r: r.locale.split("-")[0] == language,
        lambda r: r.locale == product.store.default_locale,
        lambda r: True,
    ):
        for row in rows:
            if match(row):
                return row
    return None


def _released(product, locale, now) -> bool:
    marketplace = LOCALE_MARKETPLACE.get(locale, "amazon.com")
    return any(p.marketplace == marketplace and p.release_date <= now for p in product.prices.all())


def user_products(*, store, user_id: str, locale: str) -> list[dict]:
    products = list(
        InSkillProduct.objects.filter(store=store)
        .select_related("store")
        .prefetch_related("localizations", "prices")
        .order_by("pk")
    )
    rows = {
        r.product_id: r for r in SandboxEntitlement.objects.filter(store=store, user_id=user_id)
    }
    now = timezone.now()
    return [product_json(p, rows.get(p.pk), locale, now) for p in products]


class FlowRefused(Exception):
    """The purchase-flow request itself is malformed (HTTP 400)."""


@transaction.atomic
def purchase_flow(*, store, user_id: object, directive, outcome: object, locale: str = "") -> dict:
    """Play Amazon's purchase dialogue for ``directive`` ending in ``outcome`` ("accept",
    "decline", "error") and return the ``Connections.Response`` request Alexa sends next."""
    name, product_id, token = _read_directive(directive)
    if outcome not in ("accept", "decline", "error"):
        raise FlowRefused('outcome is "accept", "decline" or "error"')
    if not isinstance(user_id, str) or not user_id:
        raise FlowRefused("userId is required")
    locale = locale or store.default_locale
    product = InSkillProduct.objects.filter(store=store, amazon_product_id=product_id).first()
    if product is None:
        return _response(name, product_id, token, locale, "ERROR", "400", "Unknown productId")
    row, _ = SandboxEntitlement.objects.get_or_create(store=store, user_id=user_id, product=product)
    row = SandboxEntitlement.objects.select_for_update().get(pk=row.pk)
    now = timezone.now()
    if name == DirectiveName.CANCEL:
        result = _cancel(product, row, outcome, now)
    else:
        result = _buy(product, row, outcome, now, locale)
    row.save()
    message = "Payment could not be completed." if result == PurchaseResult.ERROR else ""
    return _response(name, product_id, token, locale, result, "200", "OK", message)


def _buy(product, row, outcome, now, locale) -> str:
    state = state_of(product, row, now)
    if state.entitled and product.type != ProductType.CONSUMABLE:
        if product.type == ProductType.SUBSCRIPTION and outcome == "accept":
            row.auto_renew = True  # buying again resumes a cancelled subscription
        return PurchaseResult.ALREADY_PURCHASED
    if outcome == "decline":
        return PurchaseResult.DECLINED
    if outcome == "error" or not product.purchasable or not _released(product, locale, now):
        return PurchaseResult.ERROR
    if product.type == ProductType.ENTITLEMENT:
        row.owned = True
    elif product.type == ProductType.SUBSCRIPTION:
        if product.trial_days and not row.trial_used:
            row.period_end = now + timedelta(days=product.trial_days)
            row.trial_used = True
        else:
            row.period_end = add_period(now, product.subscription_period)
        row.auto_renew = True
    else:
        row.purchase_count += 1
    return PurchaseResult.ACCEPTED


def _cancel(product, row, outcome, now) -> str:
    state = state_of(product, row, now)
    cancellable = state.entitled and (product.type != ProductType.SUBSCRIPTION or row.auto_renew)
    if not cancellable:
        return PurchaseResult.NOT_ENTITLED
    if outcome == "decline":
        return PurchaseResult.DECLINED
    if outcome == "error":
        return PurchaseResult.ERROR
    if product.type == ProductType.ENTITLEMENT:
        row.owned = False
    elif product.type == ProductType.SUBSCRIPTION:
        row.auto_renew = False  # entitled until the end of the paid period
    else:
        row.purchase_count -= 1
    return PurchaseResult.ACCEPTED


def _read_directive(directive) -> tuple[str, str, str]:
    if not isinstance(directive, dict) or directive.get("type") != "Connections.SendRequest":
        raise FlowRefused("directive must be a Connections.SendRequest directive")
    name = directive.get("name")
    if name not in DirectiveName.values:
        raise FlowRefused("directive name must be Buy, Upsell or Cancel")
    payload = directive.get("payload")
    product = payload.get("InSkillProduct") if isinstance(payload, dict) else None
    product_id = product.get("productId") if isinstance(product, dict) else None
    if not isinstance(product_id, str) or not product_id:
        raise FlowRefused("directive payload needs InSkillProduct.productId")
    token = directive.get("token", "")
    if not isinstance(token, str):
        raise FlowRefused("directive token must be a string")
    return name, product_id, token


def _response(name, product_id, token, locale, result, code, status_message, message=""):
    payload = {"purchaseResult": result, "productId": product_id}
    if message:
        payload["message"] = message
    return {
        "type": "Connections.Response",
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "locale": locale,
        "name": name,
        "status": {"code": code, "message": status_message},
        "payload": payload,
        "token": token,
    }


@transaction.atomic
def sandbox_reset(*, store, user_id: str) -> int:
    """Forget a test user's purchases (NOT_ENTITLED, NOT_PURCHASED, count 0)."""
    deleted, _ = SandboxEntitlement.objects.filter(store=store, user_id=user_id).delete()
    return deleted
