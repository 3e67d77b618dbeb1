"""In-skill products as the owner defines them, exported as Amazon's ISP product JSON.

A product's definition lives in three tables: the product (type, reference name, icons,
tax, countries), one row per locale (the texts Amazon shows and speaks) and one row per
marketplace (list price and release date). Every rule Amazon's certification applies is
checked in ``clean()`` here and again at export (``isp/package.py``).
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

from alexa.currency import MINOR_UNITS
from merchant.models import Store, https_only

from .. import facts, texts
from ..facts import ProductType, SubscriptionPeriod, TaxCategory


def new_product_id() -> str:
    """A product id of Amazon's shape until the owner pastes the real one after deploying."""
    return f"amzn1.adg.product.{uuid.uuid4()}"


class IspSettings(models.Model):
    """A store's ISP switches. ISP sandbox mode sends the skill's Monetization API calls to
    the portal's own fake of Amazon (``/sandbox/monetization/``) instead of Amazon."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="isp_settings")
    sandbox_mode = models.BooleanField(
        "ISP sandbox mode",
        default=False,
        help_text="Purchases go to the portal's own sandbox, never to Amazon (demos, tests).",
    )
    upsells_per_session = models.PositiveSmallIntegerField(
        "suggestions per session",
        default=1,
        validators=[MaxValueValidator(3, "At most 3 suggestions a session.")],
        help_text="How many products the skill may suggest in one session (0: never).",
    )

    class Meta:
        verbose_name = "ISP settings"
        verbose_name_plural = "ISP settings"

    def __str__(self):
        return f"ISP settings of {self.store}"


class InSkillProduct(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="isp_products")
    type = models.CharField(max_length=12, choices=ProductType.choices)
    reference_name = models.CharField(
        max_length=50,
        validators=[
            RegexValidator(
                facts.REFERENCE_NAME_PATTERN,
                "3 to 50 characters: letters, digits and underscores only.",
            )
        ],
        help_text="Amazon's id for the product in code and slot types, e.g. pro_pack.",
    )
    amazon_product_id = models.CharField(
        "Amazon product id",
        max_length=100,
        unique=True,
        default=new_product_id,
        help_text="amzn1.adg.product.…: paste Amazon's id here after the first deploy.",
    )
    # When a publish from the portal created or last updated the product at Amazon (null:
    # Amazon does not know it yet; the id above is then a placeholder).
    amazon_synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    subscription_period = models.CharField(
        max_length=7, choices=SubscriptionPeriod.choices, blank=True
    )
    trial_days = models.PositiveSmallIntegerField(
        "free trial days",
        default=0,
        validators=[
            MaxValueValidator(facts.MAX_TRIAL_DAYS, "A free trial lasts at most 365 days.")
        ],
    )
    units_per_purchase = models.PositiveSmallIntegerField(
        default=1, help_text="Consumables: units one purchase adds (e.g. five sessions)."
    )
    small_icon_url = models.URLField(
        "small icon URL", blank=True, validators=[https_only], help_text="108 × 108 px PNG."
    )
    large_icon_url = models.URLField(
        "large icon URL", blank=True, validators=[https_only], help_text="512 × 512 px PNG."
    )
    tax_category = models.CharField(
        max_length=20, choices=TaxCategory.choices, default=TaxCategory.SOFTWARE
    )
    distribution_countries = models.JSONField(
        default=list, blank=True, help_text="ISO codes, e.g. US, GB, DE."
    )
    testing_instructions = models.TextField(
        blank=True, help_text="How certification buys and tests the product."
    )
    purchasable = models.BooleanField(
        default=True, help_text="Off: no new sales; owners keep it (Amazon's NOT_PURCHASABLE)."
    )
    upsell_cooldown_days = models.PositiveSmallIntegerField(
        default=7, help_text="The skill does not suggest it again this many days after a no."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "in-skill product"
        ordering = ["store", "reference_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("reference_name"),
                "store",
                name="isp_product_reference_name_unique_in_store",
                violation_error_message="Another product of this store has this reference name.",
            ),
            models.CheckConstraint(
                condition=models.Q(trial_days__lte=facts.MAX_TRIAL_DAYS),
                name="isp_product_trial_at_most_365_days",
            ),
            models.CheckConstraint(
                condition=models.Q(units_per_purchase__gte=1),
                name="isp_product_units_at_least_one",
            ),
        ]

    def __str__(self):
        return self.reference_name

    def name(self, locale: str = "") -> str:
        """The display name in ``locale`` (the first one written otherwise)."""
        texts = self.texts(locale)
        return texts.name if texts else self.reference_name

    def texts(self, locale: str = "") -> "InSkillProductLocalization | None":
        """The localization for ``locale``: exact, else the same language, else the first
        written (None when the product has none yet)."""
        rows = list(self.localizations.all())
        for row in rows:
            if row.locale == locale:
                return row
        language = locale.split("-")[0]
        for row in rows:
            if row.locale.split("-")[0] == language:
                return row
        return rows[0] if rows else None

    def clean(self):
        errors = {}
        if self.type == ProductType.SUBSCRIPTION:
            if not self.subscription_period:
                errors["subscription_period"] = "A subscription renews monthly or yearly."
        else:
            if self.subscription_period:
                errors["subscription_period"] = "Only subscriptions have a period."
            if self.trial_days:
                errors["trial_days"] = "Only subscriptions have a free trial."
        if self.type != ProductType.CONSUMABLE and self.units_per_purchase != 1:
            errors["units_per_purchase"] = "Only consumables add several units a purchase."
        unknown = [c for c in self.distribution_countries or [] if c not in facts.COUNTRY_CODES]
        if not isinstance(self.distribution_countries, list):
            errors["distribution_countries"] = 'A list of country codes, e.g. ["US", "GB"].'
        elif unknown:
            errors["distribution_countries"] = (
                f"No ISP marketplace sells to {', '.join(map(str, unknown))}."
            )
        if self.pk and self.type != InSkillProduct.objects.get(pk=self.pk).type:
            if self.has_buyers():
                errors["type"] = "Shoppers own this product: its type cannot change."
        if errors:
            raise ValidationError(errors)

    def has_buyers(self) -> bool:
        """Anyone bought it (portal records or the sandbox): it can only be deactivated."""
        if not self.pk:
            return False
        return (
            self.entitlements.exists()
            or self.purchase_results.filter(result__in=["ACCEPTED", "ALREADY_PURCHASED"]).exists()
            or self.sandbox_entitlements.exists()
        )


class InSkillProductLocalization(models.Model):
    """What Amazon shows and says about a product in one locale."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(
        InSkillProduct, on_delete=models.CASCADE, related_name="localizations"
    )
    locale = models.CharField(max_length=5, choices=facts.ISP_LOCALES)
    name = models.CharField(max_length=100)
    summary = models.CharField(
        max_length=160, help_text="One sentence; Alexa says it when suggesting the product."
    )
    description = models.TextField(help_text="The detailed description on the purchase card.")
    example_phrases = models.JSONField(
        default=list, blank=True, help_text='Up to three, e.g. ["buy the pro pack"].'
    )
    keywords = models.JSONField(default=list, blank=True)
    purchase_prompt = models.CharField(
        max_length=160, help_text="Read before Amazon's price; must differ from the summary."
    )
    bought_card_text = models.CharField(
        "bought card text", max_length=160, help_text="The purchase confirmation card."
    )
    upsell_message = models.CharField(
        "suggestion",
        max_length=300,
        blank=True,
        help_text="What the skill says when it suggests the product: what it gives, ending "
        "with a yes or no question, no price. Empty: the summary and “Want to learn more?”.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "locale"],
                name="isp_product_one_text_per_locale",
                violation_error_message="This locale already has texts for this product.",
            )
        ]

    def __str__(self):
        return f"{self.product} ({self.locale})"

    def clean(self):
        errors: dict[str, list[str]] = {}
        for field in ["name", "summary", "description", "purchase_prompt", "bought_card_text"]:
            # Text fields, never relations (which have no verbose_name).
            label = self._meta.get_field(field).verbose_name.capitalize()  # type: ignore[union-attr]
            problems = texts.text_errors(label, getattr(self, field))
            if problems:
                errors[field] = problems
        for field in ["example_phrases", "keywords"]:
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[field] = ['A list of phrases, e.g. ["buy the pro pack"].']
                continue
            problems = [p for v in value for p in texts.text_errors(f"“{v}”", v)]
            if problems:
                errors[field] = problems
        problems = texts.upsell_message_errors(self.upsell_message)
        if problems:
            errors["upsell_message"] = problems
        if self.summary and texts.same_text(self.summary, self.purchase_prompt):
            errors.setdefault("purchase_prompt", []).append(
                "The purchase prompt must differ from the summary (certification)."
            )
        if errors:
            raise ValidationError(errors)


class InSkillProductPrice(models.Model):
    """List price (before VAT) and release date in one marketplace."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(InSkillProduct, on_delete=models.CASCADE, related_name="prices")
    marketplace = models.CharField(max_length=12, choices=facts.MARKETPLACE_CHOICES)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    release_date = models.DateTimeField(help_text="Not for sale before this moment.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "marketplace"],
                name="isp_product_one_price_per_marketplace",
                violation_error_message="This marketplace already has a price for this product.",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gt=0), name="isp_product_price_positive"
            ),
        ]

    def __str__(self):
        return f"{self.price} {self.currency} on {self.marketplace}"

    @property
    def currency(self) -> str:
        return facts.currency_of(self.marketplace)

    def clean(self):
        if self.price is None or not self.marketplace or not self.product_id_or_obj():
            return
        error = price_error(self.marketplace, self.product.type, self.price)
        if error:
            raise ValidationError({"price": error})

    def product_id_or_obj(self):
        try:
            return self.product
        except InSkillProduct.DoesNotExist:
            return None


def price_error(marketplace: str, product_type: str, price) -> str:
    """Why ``price`` is not allowed for a ``product_type`` on ``marketplace`` ("" if it is)."""
    currency = facts.currency_of(marketplace)
    low, high = facts.price_limits(currency, product_type)
    places = MINOR_UNITS[currency]
    kind = ProductType(product_type).label.lower()
    if price != round(price, places):
        return f"{currency} prices have {places} decimal places at most."
    if not low <= price <= high:
        return f"A {kind} on {marketplace} costs {low} to {high} {currency}; {price} is outside."
    return ""
