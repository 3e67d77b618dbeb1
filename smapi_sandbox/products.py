"""In-skill products in the sandbox (``/v1/inSkillProducts``): created, updated with
``If-Match``, listed, associated with skills, and imported from a skill package's ``isps/``
folder. Only the development stage exists here, as for a skill not yet certified."""

from datetime import UTC

from django.db import transaction

from .common import DEVELOPMENT, Refused, check_if_match, etag_of, new_id
from .models import Product, Skill, Vendor

PRODUCT_TYPES = {"SUBSCRIPTION", "ENTITLEMENT", "CONSUMABLE"}


def _check_definition(definition: object) -> dict:
    if not isinstance(definition, dict):
        raise Refused(400, "inSkillProductDefinition is required.")
    if definition.get("type") not in PRODUCT_TYPES:
        raise Refused(400, "type must be one of SUBSCRIPTION, ENTITLEMENT, CONSUMABLE.")
    name = definition.get("referenceName")
    if not isinstance(name, str) or not name.strip():
        raise Refused(400, "referenceName is required.")
    return definition


def product_of(*, vendor: Vendor, product_id: str, stage: str = DEVELOPMENT) -> Product:
    product = Product.objects.filter(vendor=vendor, product_id=product_id).first()
    if product is None or stage != DEVELOPMENT:
        raise Refused(404, f"In-skill product {product_id} not found in stage {stage}.")
    return product


@transaction.atomic
def product_create(*, vendor: Vendor, definition: object) -> Product:
    definition = _check_definition(definition)
    name = definition["referenceName"]
    if Product.objects.filter(vendor=vendor, definition__referenceName=name).exists():
        raise Refused(400, f"An in-skill product with referenceName {name} already exists.")
    return Product.objects.create(
        vendor=vendor,
        product_id=new_id("amzn1.adg.product."),
        definition=definition,
        etag=etag_of(definition),
    )


@transaction.atomic
def product_update(*, product: Product, definition: object, if_match: str | None) -> Product:
    product = Product.objects.select_for_update().get(pk=product.pk)
    check_if_match(if_match, product.etag)
    definition = _check_definition(definition)
    if definition["referenceName"] != product.definition.get("referenceName"):
        raise Refused(400, "The referenceName of an in-skill product cannot change.")
    product.definition = definition
    product.etag = etag_of(definition)
    product.save()
    return product


def product_associate(*, product: Product, skill: Skill, associated: bool) -> None:
    if associated:
        product.skills.add(skill)
    else:
        product.skills.remove(skill)


def products_import(*, skill: Skill, definitions: list[dict]) -> list[dict[str, object]]:
    """The package's products, created or updated by reference name and associated with the
    skill; one import resource status each."""
    resources = []
    for definition in definitions:
        name = str(definition.get("referenceName", ""))
        resource: dict[str, object] = {
            "name": f"InSkillProduct.{name}",
            "action": "CREATE",
            "status": "SUCCEEDED",
        }
        try:
            existing = Product.objects.filter(
                vendor=skill.vendor, definition__referenceName=name
            ).first()
            if existing is None:
                product = product_create(vendor=skill.vendor, definition=definition)
            else:
                resource["action"] = "UPDATE"
                product = product_update(product=existing, definition=definition, if_match=None)
            product_associate(product=product, skill=skill, associated=True)
        except Refused as exc:
            resource["status"] = "FAILED"
            resource["errors"] = [{"code": "INVALID_IN_SKILL_PRODUCT", "message": exc.message}]
        resources.append(resource)
    return resources


def product_summary(product: Product) -> dict:
    definition = product.definition
    publishing = definition.get("publishingInformation") or {}
    return {
        "type": definition["type"],
        "productId": product.product_id,
        "referenceName": definition["referenceName"],
        "lastUpdated": product.updated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "nameByLocale": {
            locale: data.get("name", "")
            for locale, data in (publishing.get("locales") or {}).items()
        },
        "status": "COMPLETE",
        "stage": DEVELOPMENT,
        "editableState": "EDITABLE",
        "purchasableState": definition.get("purchasableState", "PURCHASABLE"),
        "promotableState": definition.get("promotableState", "IN_SKILL_ONLY"),
        "_links": {
            "self": {"href": f"/v1/inSkillProducts/{product.product_id}/stages/development"}
        },
        "pricing": publishing.get("pricing") or {},
    }


def product_list(products) -> dict:
    """SMAPI's ``ListInSkillProductResponse`` (one page: a vendor has few products)."""
    return {
        "inSkillProductSummaryList": {
            "inSkillProducts": [product_summary(p) for p in products.order_by("id")],
            "isTruncated": False,
        }
    }


def products_of_vendor(*, vendor: Vendor):
    return Product.objects.filter(vendor=vendor)


def products_of_skill(*, skill: Skill):
    return Product.objects.filter(vendor=skill.vendor, skills=skill)
