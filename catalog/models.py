"""The voice catalog: categories in spoken order, products, their synonyms and translations."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from merchant.models import CURRENCIES, LOCALES, Store

from .text_rules import card_text_error, spoken_text_error


def validate_price_above_zero(value):
    """A price of zero is refused in words (a negative one by the minimum's own message)."""
    if value == 0:
        raise ValidationError(
            "The price must be above zero: Alexa cannot sell a product for nothing."
        )


def _text_errors(*, spoken_description: str, card_title: str, card_description: str) -> dict:
    """The spoken description's unsayable characters and the card's length, per field."""
    errors = {}
    spoken = spoken_text_error(spoken_description)
    if spoken:
        errors["spoken_description"] = spoken
    card = card_text_error(title=card_title, text=card_description)
    if card:
        errors["card_description"] = card
    return errors


class Category(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=80)
    spoken_name = models.CharField(
        max_length=80, blank=True, help_text="How Alexa names it in a list of choices."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Spoken order: lower comes first."
    )

    class Meta:
        ordering = ["store", "position", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["store", "name"], name="category_name_unique_in_store")
        ]

    def __str__(self):
        return self.name

    def spoken(self, locale: str | None = None) -> str:
        if locale:
            for loc in self.localizations.all():
                if loc.locale == locale and loc.spoken_name:
                    return loc.spoken_name
        return self.spoken_name or self.name


class CategoryLocalization(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="localizations")
    locale = models.CharField(max_length=5, choices=LOCALES)
    spoken_name = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "locale"], name="category_localization_unique"
            )
        ]

    def __str__(self):
        return f"{self.category} ({self.locale})"


class ProductQuerySet(models.QuerySet["Product"]):
    def sellable(self) -> "ProductQuerySet":
        return self.filter(active=True).filter(Q(stock__isnull=True) | Q(stock__gt=0))


class Product(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=120)
    sku = models.CharField("SKU", max_length=40)
    spoken_name = models.CharField(
        max_length=120, blank=True, help_text="How Alexa says the name. Empty: the name."
    )
    spoken_description = models.TextField(
        blank=True, help_text="What it includes, said in one breath after the name."
    )
    card_description = models.TextField(blank=True, help_text="Shown on the Alexa app card.")
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0"), message="The price cannot be negative."),
            validate_price_above_zero,
        ],
    )
    currency = models.CharField(max_length=3, choices=CURRENCIES, default="USD")
    stock = models.PositiveIntegerField(
        null=True, blank=True, help_text="Units in stock. Empty: unlimited."
    )
    low_stock_threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Send the stock.low webhook when the stock falls to this many or fewer. "
        "Empty: never.",
    )
    active = models.BooleanField(default=True)
    best_seller = models.BooleanField(default=False)
    image_url = models.URLField(
        blank=True, help_text="An image elsewhere on the web, if no image is uploaded."
    )
    # An uploaded image, resized (catalog/images.py): the shop's, and Alexa's card images at
    # Amazon's sizes (720 × 480 and 1200 × 800). Names in the default storage.
    image_shop = models.FileField(max_length=255, blank=True, editable=False)
    image_card_small = models.FileField(max_length=255, blank=True, editable=False)
    image_card_large = models.FileField(max_length=255, blank=True, editable=False)
    refill_interval_weeks = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Offer a refill plan delivering this every N weeks (8 = every two months).",
    )
    repeat_purchase = models.BooleanField(
        default=False,
        help_text="Shoppers buy it again (refills). Products without it are never suggested "
        "to a shopper who already owns one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["store", "category__position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "sku"], name="product_sku_unique_in_store"),
            # Negative prices are refused by the database too; a price of zero is refused by
            # the validator above (forms, admin, services) but left possible in the table, so
            # that upgrading a database that holds one never fails its migration.
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="product_price_gte_0",
                violation_error_message="The price cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__gte=0),
                name="product_stock_gte_0",
                violation_error_message="Stock cannot be negative; leave it empty for unlimited.",
            ),
        ]
        indexes = [models.Index(fields=["store", "active"])]

    def __str__(self):
        return self.name

    # The stock as read from the database, to tell when a save makes it fall to the threshold.
    _stock_as_read: int | None

    @classmethod
    def from_db(cls, db, field_names, values):  # type: ignore[override]
        product = super().from_db(db, field_names, values)
        product._stock_as_read = product.__dict__.get("stock")
        return product

    def fell_below_threshold(self, before: int | None) -> bool:
        """Whether the stock, ``before`` this change, fell to the threshold or below now."""
        threshold, after = self.low_stock_threshold, self.stock
        if threshold is None or after is None or after > threshold:
            return False
        return before is None or before > threshold

    @property
    def unlimited_stock(self) -> bool:
        return self.stock is None

    def in_stock(self, quantity: int = 1) -> bool:
        return self.stock is None or self.stock >= quantity

    def is_sellable(self, quantity: int = 1) -> bool:
        return self.active and self.in_stock(quantity)

    @property
    def shop_image_url(self) -> str:
        """The shop's image: the uploaded one, else the image URL."""
        return self.image_shop.url if self.image_shop else self.image_url

    def localized(self, locale: str | None) -> "ProductText":
        """Name and descriptions in ``locale``, falling back to the product's own text."""
        text = ProductText(
            spoken_name=self.spoken_name or self.name,
            spoken_description=self.spoken_description,
            card_description=self.card_description,
        )
        if locale:
            for loc in self.localizations.all():
                if loc.locale == locale:
                    return ProductText(
                        spoken_name=loc.spoken_name or text.spoken_name,
                        spoken_description=loc.spoken_description or text.spoken_description,
                        card_description=loc.card_description or text.card_description,
                    )
        return text

    def clean(self):
        errors = _text_errors(
            spoken_description=self.spoken_description,
            card_title=self.name,
            card_description=self.card_description,
        )
        if self.store_id and self.currency != self.store.currency:
            errors["currency"] = f"The store sells in {self.store.currency}."
        if self.store_id and self.category_id and self.category.store_id != self.store_id:
            errors["category"] = (
                f"The category “{self.category.name}” belongs to another store: choose one "
                f"of the categories of {self.store.name}."
            )
        if errors:
            raise ValidationError(errors)


class ProductText:
    __slots__ = ("spoken_name", "spoken_description", "card_description")

    def __init__(self, *, spoken_name: str, spoken_description: str, card_description: str):
        self.spoken_name = spoken_name
        self.spoken_description = spoken_description
        self.card_description = card_description


class ProductLocalization(models.Model):
    """The product's spoken text in another language (for example de-DE)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="localizations")
    locale = models.CharField(max_length=5, choices=LOCALES)
    spoken_name = models.CharField(max_length=120)
    spoken_description = models.TextField(blank=True)
    card_description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "locale"], name="product_localization_unique"
            )
        ]

    def __str__(self):
        return f"{self.product} ({self.locale})"

    def clean(self):
        product = getattr(self, "product", None)  # unset: RelatedObjectDoesNotExist
        errors = _text_errors(
            spoken_description=self.spoken_description,
            card_title=product.name if product is not None else "",
            card_description=self.card_description,
        )
        if errors:
            raise ValidationError(errors)


class ProductSynonym(models.Model):
    """Another way shoppers name a product ("razor", "blades"); becomes a slot synonym."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="synonyms")
    locale = models.CharField(
        max_length=5, choices=LOCALES, blank=True, help_text="Empty: every locale."
    )
    value = models.CharField(max_length=140)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                "store",
                "locale",
                Lower("value"),
                name="synonym_unique_in_store_locale",
                violation_error_message="This synonym already names a product of the store.",
            )
        ]

    def __str__(self):
        return self.value

    def save(self, *args, **kwargs):
        self.value = " ".join(self.value.split())
        if self.product_id and not self.store_id:
            self.store_id = self.product.store_id
        super().save(*args, **kwargs)


class CatalogRevision(models.Model):
    """Counts the changes to a store's catalog that its skill package depends on (names,
    synonyms, translations, categories, products coming and going). What is built from the
    catalog, such as the voice console's interaction model, is kept under this number and
    rebuilt when it moves. Stock-only saves (every order) do not count."""

    store = models.OneToOneField(
        Store, on_delete=models.CASCADE, primary_key=True, related_name="catalog_revision"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.store_id}: {self.number}"


class StockAdjustment(models.Model):
    """One change of a product's stock by a count (``delta``), with its reason and the stock
    it left; written in the transaction of the change, never edited."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock_adjustments")
    delta = models.IntegerField()
    stock_after = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    actor = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["product", "-created_at"], name="stock_adjustment_time")]

    def __str__(self):
        return f"{self.product_id}: {self.delta:+d} ({self.reason})"
