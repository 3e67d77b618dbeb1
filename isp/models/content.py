"""Premium content: collections ("shaving tips", "sleep sessions") of spoken items.

An item is what Alexa says (one breath, SSML-safe), optionally followed by an HTTPS MP3 clip
of at most ``MAX_CLIP_SECONDS``; per-locale texts override the default one. Its access rule
says who hears it: everyone, owners of a one-time product, any active subscriber, or a
shopper who spends one unit of a consumable.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from merchant.models import Store, https_only

from .. import facts, texts
from ..facts import ProductType
from .products import InSkillProduct


class ContentAccess(models.TextChoices):
    FREE = "free", "Free"
    ONE_TIME = "one_time", "Unlocked by a one-time product"
    SUBSCRIPTION = "subscription", "Unlocked by any active subscription"
    CONSUMABLE = "consumable", "Spends one unit of a consumable"


# The product type each access rule needs (None: no product).
ACCESS_PRODUCT_TYPE: dict[str, str | None] = {
    ContentAccess.FREE: None,
    ContentAccess.ONE_TIME: ProductType.ENTITLEMENT,
    ContentAccess.SUBSCRIPTION: None,
    ContentAccess.CONSUMABLE: ProductType.CONSUMABLE,
}


class ContentCollection(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="isp_collections")
    name = models.CharField(max_length=80)
    spoken_name = models.CharField(max_length=80, help_text='e.g. "shaving tips".')
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "content collection"
        ordering = ["store", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "name"],
                name="isp_collection_name_unique_in_store",
                violation_error_message="Another collection of this store has this name.",
            )
        ]

    def __str__(self):
        return self.name


class ContentItem(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    collection = models.ForeignKey(
        ContentCollection, on_delete=models.CASCADE, related_name="items"
    )
    title = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    spoken_text = models.CharField(
        max_length=400, help_text="What Alexa says: one breath, no SSML markup."
    )
    audio_url = models.URLField(
        "MP3 clip URL", blank=True, validators=[https_only], help_text="HTTPS MP3, optional."
    )
    audio_seconds = models.PositiveSmallIntegerField(
        "clip length (seconds)",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "A clip lasts at least one second."),
            MaxValueValidator(
                facts.MAX_CLIP_SECONDS,
                f"A clip lasts at most {facts.MAX_CLIP_SECONDS} seconds.",
            ),
        ],
    )
    access = models.CharField(
        max_length=12, choices=ContentAccess.choices, default=ContentAccess.FREE
    )
    product = models.ForeignKey(
        InSkillProduct,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="content_items",
        help_text="The one-time product or consumable that unlocks it.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "content item"
        ordering = ["collection", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audio_seconds__isnull=True)
                | models.Q(audio_seconds__lte=facts.MAX_CLIP_SECONDS),
                name="isp_item_clip_at_most_240_s",
            )
        ]

    def __str__(self):
        return self.title

    def text_for(self, locale: str) -> str:
        for row in self.localizations.all():
            if row.locale == locale:
                return row.spoken_text
        return self.spoken_text

    def clean(self):
        errors: dict[str, str | list[str]] = {}
        problems = texts.spoken_text_errors(self.spoken_text)
        if problems:
            errors["spoken_text"] = problems
        if self.audio_url and not self.audio_url.lower().split("?")[0].endswith(".mp3"):
            errors["audio_url"] = "Alexa plays MP3 clips: the address should end in .mp3."
        if self.audio_url and self.audio_seconds is None:
            errors["audio_seconds"] = "Say how long the clip lasts."
        if not self.audio_url and self.audio_seconds is not None:
            errors["audio_seconds"] = "There is no clip to time."
        needed = ACCESS_PRODUCT_TYPE.get(self.access)
        if needed is None and self.product_id:
            errors["product"] = "Only one-time and consumable content names a product."
        elif needed is not None:
            if self.product is None:
                errors["product"] = f"Choose the {ProductType(needed).label.lower()} it needs."
            elif self.product.type != needed:
                errors["product"] = (
                    f"{self.product} is a {self.product.get_type_display().lower()}, "
                    f"not a {ProductType(needed).label.lower()}."
                )
            elif self.store_id and self.product.store_id != self.store_id:
                errors["product"] = "Choose a product of this store."
        if errors:
            raise ValidationError(errors)


class ContentItemLocalization(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="localizations")
    locale = models.CharField(max_length=5, choices=facts.ISP_LOCALES)
    spoken_text = models.CharField(max_length=400)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "locale"],
                name="isp_item_one_text_per_locale",
                violation_error_message="This locale already has a text for this item.",
            )
        ]

    def __str__(self):
        return f"{self.item} ({self.locale})"

    def clean(self):
        problems = texts.spoken_text_errors(self.spoken_text)
        if problems:
            raise ValidationError({"spoken_text": problems})
