"""SMAPI's in-skill product operations in the sandbox (``/v1/inSkillProducts``, and a skill's
products): scoped by the caller's vendor."""

from django.http import HttpRequest, HttpResponse, JsonResponse

from . import products, skills
from .common import DEVELOPMENT, Refused
from .http import body_of, no_content, smapi
from .models import Vendor


@smapi({"GET", "POST"})
def collection(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    if request.method == "GET":
        if request.GET.get("vendorId") != vendor.vendor_id:
            raise Refused(400, "vendorId is required and must be your vendor id.")
        return JsonResponse(products.product_list(products.products_of_vendor(vendor=vendor)))
    data = body_of(request)
    if data.get("vendorId") != vendor.vendor_id:
        raise Refused(400, "vendorId is required and must be your vendor id.")
    product = products.product_create(
        vendor=vendor, definition=data.get("inSkillProductDefinition")
    )
    return JsonResponse({"productId": product.product_id}, status=201)


@smapi({"GET", "PUT"})
def definition(request: HttpRequest, vendor: Vendor, product_id: str, stage: str) -> HttpResponse:
    product = products.product_of(vendor=vendor, product_id=product_id, stage=stage)
    if request.method == "GET":
        response = JsonResponse({"inSkillProductDefinition": product.definition})
        response["ETag"] = product.etag
        return response
    products.product_update(
        product=product,
        definition=body_of(request).get("inSkillProductDefinition"),
        if_match=request.headers.get("If-Match"),
    )
    return no_content(204)


@smapi({"PUT", "DELETE"})
def association(
    request: HttpRequest, vendor: Vendor, product_id: str, skill_id: str
) -> HttpResponse:
    product = products.product_of(vendor=vendor, product_id=product_id)
    skill = skills.skill_of(vendor=vendor, skill_id=skill_id)
    products.product_associate(product=product, skill=skill, associated=request.method == "PUT")
    return no_content(204)


@smapi({"GET"})
def of_skill(request: HttpRequest, vendor: Vendor, skill_id: str, stage: str) -> HttpResponse:
    skill = skills.skill_of(vendor=vendor, skill_id=skill_id)
    if stage != DEVELOPMENT:
        raise Refused(404, f"Skill {skill_id} has no in-skill products in stage {stage}.")
    return JsonResponse(products.product_list(products.products_of_skill(skill=skill)))
