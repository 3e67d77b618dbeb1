"""In-skill products as ASK CLI v2 files: ``skill-package/isps/<type>/<referenceName>.json``
in Amazon's ISP product schema (SMAPI ``InSkillProductDefinition``), deployed with the skill
package. ``isp_validation_errors`` checks every product first, each message naming it; the
skill package exporter refuses to build while any remain.
"""

from django.core.exceptions import ValidationError

from alexa.currency import MINOR_UNITS

from . import facts
from .models import InSkillProduct

MAX_EXAMPLE_PHRASES = 3  # the developer console asks for three


def _products(store):
    return list(
        InSkillProduct.objects.filter(store=store)
        .prefetch_related("localizations", "prices")
        .order_by("reference_name")
    )


def _messages(label: str, exc: ValidationError) -> list[str]:
    out = []
    for field, problems in exc.message_dict.items():
        where = "" if field == "__all__" else f"{field.replace('_', ' ')}: "
        out += [f"{label}: {where}{problem}" for problem in problems]
    return out


def isp_validation_errors(store, products: list[InSkillProduct] | None = None) -> list[str]:
    """Every reason Amazon would refuse the store's products, one sentence each.

    ``products``: the store's products already read with their texts and prices (the skill
    package exporter reads them once for the slot values too)."""
    errors = []
    products = _products(store) if products is None else products
    if products and not store.privacy_policy_url:
        errors.append("In-skill products need the store's privacy policy URL.")
    for product in products:
        label = f"In-skill product {product.reference_name}"
        try:
            product.full_clean()
        except ValidationError as exc:
            errors += _messages(label, exc)
        for field in ("small_icon_url", "large_icon_url", "testing_instructions"):
            if not getattr(product, field):
                # Model fields, never relations (which have no verbose_name).
                name = product._meta.get_field(field).verbose_name  # type: ignore[union-attr]
                errors.append(f"{label}: {name} is required.")
        localizations = list(product.localizations.all())
        prices = list(product.prices.all())
        if not localizations:
            errors.append(f"{label}: write its name and texts for at least one locale.")
        written = {row.locale for row in localizations}
        missing = [
            loc for loc in store.locales() if loc in facts.ISP_LOCALE_CODES and loc not in written
        ]
        if localizations and missing:
            errors.append(f"{label}: the skill speaks {', '.join(missing)}: add texts for it.")
        for row in localizations:
            row_label = f"{label} ({row.locale})"
            try:
                row.full_clean()
            except ValidationError as exc:
                errors += _messages(row_label, exc)
            if not row.example_phrases:
                errors.append(f"{row_label}: give at least one example phrase.")
            elif len(row.example_phrases) > MAX_EXAMPLE_PHRASES:
                errors.append(f"{row_label}: at most {MAX_EXAMPLE_PHRASES} example phrases.")
        if not prices:
            errors.append(f"{label}: set a price in at least one marketplace.")
        for price in prices:
            try:
                price.full_clean()
            except ValidationError as exc:
                errors += _messages(f"{label} ({price.marketplace})", exc)
        errors += _country_errors(label, product, prices)
    return list(dict.fromkeys(errors))


def _country_errors(label, product, prices) -> list[str]:
    countries = set(product.distribution_countries or [])
    if not countries:
        return [f"{label}: name the countries it is sold in."]
    errors = []
    priced = {p.marketplace for p in prices}
    sold_by = {c for m in priced for c in facts.MARKETPLACES[m][1]}
    unpriced = sorted(countries - sold_by)
    if unpriced:
        errors.append(
            f"{label}: sold in {', '.join(unpriced)} but no price is set in the marketplace "
            "serving it."
        )
    for marketplace in sorted(priced):
        if not countries & set(facts.MARKETPLACES[marketplace][1]):
            errors.append(f"{label}: priced on {marketplace} but sold in none of its countries.")
    return errors


def product_definition(store, product: InSkillProduct) -> dict:
    """One product in Amazon's schema (the file ``ask deploy`` sends)."""
    locales = {}
    for row in sorted(product.localizations.all(), key=lambda r: r.locale):
        locales[row.locale] = {
            "name": row.name,
            "smallIconUri": product.small_icon_url,
            "largeIconUri": product.large_icon_url,
            "summary": row.summary,
            "description": row.description,
            "examplePhrases": list(row.example_phrases),
            "keywords": list(row.keywords),
            "customProductPrompts": {
                "purchasePromptDescription": row.purchase_prompt,
                "boughtCardDescription": row.bought_card_text,
            },
        }
    pricing = {}
    for price in sorted(
        product.prices.all(), key=lambda p: list(facts.MARKETPLACES).index(p.marketplace)
    ):
        places = MINOR_UNITS[price.currency]
        amount = int(price.price) if places == 0 else float(round(price.price, places))
        pricing[price.marketplace] = {
            "releaseDate": price.release_date.strftime("%Y-%m-%dT%H:%MZ"),
            "defaultPriceListing": {"price": amount, "currency": price.currency},
        }
    definition = {
        "version": "1.0",
        "type": product.type,
        "referenceName": product.reference_name,
        "publishingInformation": {
            "locales": locales,
            "distributionCountries": sorted(product.distribution_countries),
            "pricing": pricing,
            "taxInformation": {"category": product.tax_category},
        },
        "privacyAndCompliance": {
            "locales": {loc: {"privacyPolicyUrl": store.privacy_policy_url} for loc in locales}
        },
        "testingInstructions": product.testing_instructions,
        "purchasableState": "PURCHASABLE" if product.purchasable else "NOT_PURCHASABLE",
        "promotableState": "IN_SKILL_ONLY",
    }
    if product.type == facts.ProductType.SUBSCRIPTION:
        definition["subscriptionInformation"] = {
            "subscriptionPaymentFrequency": product.subscription_period,
            "subscriptionTrialPeriodDays": product.trial_days,
        }
    return definition


def isp_product_files(store) -> dict[str, dict]:
    """Relative path -> product definition, for every product of the store."""
    return {
        f"skill-package/isps/{p.type.lower()}/{p.reference_name}.json": product_definition(store, p)
        for p in _products(store)
    }
