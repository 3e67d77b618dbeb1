"""HTTP face of the embedded ISP sandbox (``/sandbox/monetization/``): Amazon's Monetization
Service API for stores in ISP sandbox mode, the purchase dialogue and the test-user reset.
Every other store gets 404, so the sandbox never answers for a live skill."""

import json

from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merchant.models import SkillId

from . import facts, sandbox
from .selectors import store_in_isp_sandbox

NEXT_TOKEN_SALT = "isp-sandbox-next-token"


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


def _caller(request):
    """(token owner, locale) of a product call, or an error response."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    owner = sandbox.sandbox_token_owner(token.strip()) if scheme == "Bearer" else None
    if owner is None:
        return None, None, _error(401, "The access token is missing or unknown.")
    if not store_in_isp_sandbox(owner.store):
        return None, None, _error(404, "No such skill.")
    locale = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0].strip()
    if not locale:
        return None, None, _error(400, "Accept-Language is required.")
    return owner, locale, None


@require_GET
def in_skill_products(request):
    owner, locale, error = _caller(request)
    if error:
        return error
    filters = {
        "productType": facts.ProductType.values,
        "entitled": list(facts.ENTITLED),
        "purchasable": list(facts.PURCHASABLE),
    }
    chosen = {}
    for key, allowed in filters.items():
        value = request.GET.get(key)
        if value is not None:
            if value not in allowed:
                return _error(400, f"{key} must be one of {', '.join(allowed)}.")
            chosen["type" if key == "productType" else key] = value
    try:
        max_results = int(request.GET.get("maxResults", "100"))
    except ValueError:
        return _error(400, "maxResults must be a number from 1 to 100.")
    if not 1 <= max_results <= 100:
        return _error(400, "maxResults must be a number from 1 to 100.")
    offset = 0
    if request.GET.get("nextToken"):
        try:
            offset = signing.loads(
                request.GET["nextToken"], salt=NEXT_TOKEN_SALT, max_age=24 * 3600
            )
        except signing.BadSignature:
            return _error(400, "The nextToken is invalid or expired.")
    products = [
        p
        for p in sandbox.user_products(store=owner.store, user_id=owner.user_id, locale=locale)
        if all(p[key] == value for key, value in chosen.items())
    ]
    page = products[offset : offset + max_results]
    truncated = offset + max_results < len(products)
    body = {"inSkillProducts": page, "isTruncated": truncated, "nextToken": None}
    if truncated:
        body["nextToken"] = signing.dumps(offset + max_results, salt=NEXT_TOKEN_SALT)
    return JsonResponse(body)


@require_GET
def in_skill_product(request, product_id: str):
    owner, locale, error = _caller(request)
    if error:
        return error
    for product in sandbox.user_products(store=owner.store, user_id=owner.user_id, locale=locale):
        if product["productId"] == product_id:
            return JsonResponse(product)
    return _error(404, "No such in-skill product.")


def _sandbox_store(skill_id):
    row = SkillId.objects.select_related("store").filter(skill_id=skill_id or "").first()
    if row is None or not store_in_isp_sandbox(row.store):
        return None
    return row.store


@csrf_exempt
@require_POST
def purchase_flow(request):
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "The body is not JSON.")
    if not isinstance(body, dict):
        return _error(400, "The body is a JSON object.")
    store = _sandbox_store(body.get("skillId"))
    if store is None:
        return _error(404, "No such skill in ISP sandbox mode.")
    locale = body.get("locale")
    locale = locale if isinstance(locale, str) else ""
    try:
        next_request = sandbox.purchase_flow(
            store=store,
            user_id=body.get("userId"),
            directive=body.get("directive"),
            outcome=body.get("outcome"),
            locale=locale,
        )
    except sandbox.FlowRefused as exc:
        return _error(400, str(exc))
    return JsonResponse({"request": next_request})


@csrf_exempt
@require_http_methods(["DELETE"])
def entitlements(request):
    store = _sandbox_store(request.GET.get("skillId"))
    if store is None:
        return _error(404, "No such skill in ISP sandbox mode.")
    user_id = request.GET.get("userId", "")
    if not user_id:
        return _error(400, "userId is required.")
    sandbox.sandbox_reset(store=store, user_id=user_id)
    return HttpResponse(status=204)
