"""The one-breath rule on the product pages: the pitch per enabled locale with its words and
seconds (``skill.speech.pitch``, the same numbers the list shows), missing translations, and
the product forms that refuse activating a pitch that does not fit unless the editor ticks
the override (recorded in the product's history by the admin)."""

from django import forms

from alexa.one_breath import limit_in_words

# The one upward import (catalog < orders < skill): the product pages preview the pitch
# exactly as the skill speaks it, and the pitch belongs to the skill's voice. Nothing else in
# catalog imports the skill.
from skill.speech.pitch import Pitch, live_preview_data, pitch_for, store_pitches

from .images import checked_image
from .models import (
    Product,
    ProductText,
)


def preview_data(*, price, currency: str, locale: str) -> dict:
    """What the live preview needs to say the price as the skill does (the admin's page)."""
    return live_preview_data(price=price, currency=currency, locale=locale)


# The one-breath rule -------------------------------------------------------------------------

LANGUAGES = {"en": "English", "de": "German"}
OVERRIDE_LABEL = "Activate although the pitch does not fit one breath"
# The start of the history entry an override writes (and the product page looks for).
OVERRIDE_RECORD = "Activated although the pitch does not fit one breath (override ticked)"


def _language(locale: str) -> str:
    return LANGUAGES.get(locale[:2], locale)


def _verdict(pitch: Pitch) -> str:
    if pitch.fits_one_breath:
        return "fits in one breath"
    return "too long for one breath: shorten the spoken description"


def _too_long_words(failing: dict[str, Pitch]) -> str:
    """Each locale whose pitch does not fit, e.g. "en-US: 41 words, about 16.4 s"."""
    return "; ".join(
        f"{locale}: {pitch.words} words, about {pitch.seconds} s"
        for locale, pitch in failing.items()
    )


def product_pitches(product) -> dict[str, Pitch]:
    """The product's pitch per locale of its store (kept on the row for the list's columns)."""
    cached = getattr(product, "_store_pitches", None)
    if cached is None:
        cached = product._store_pitches = store_pitches(product)
    return cached


def missing_translations(product) -> dict[str, str]:
    """Per locale the store speaks in another language than its default: what Alexa says
    there in the default language for want of a saved translation."""
    store = product.store
    default = store.default_locale
    localizations = {loc.locale: loc for loc in product.localizations.all()}
    missing = {}
    for locale in store.locales():
        if locale[:2] == default[:2]:
            continue
        own, theirs = _language(default), _language(locale)
        translation = localizations.get(locale)
        if translation is None:
            missing[locale] = _missing_all(locale, own, theirs)
        elif not translation.spoken_description and product.spoken_description:
            missing[locale] = _missing_description(locale, own, theirs)
    return missing


def _missing_all(locale, own, theirs) -> str:
    return (
        f"{locale}: no {theirs} text yet, so Alexa says the {own} name and description to "
        f"{theirs}-speaking shoppers. Add a {locale} translation below."
    )


def _missing_description(locale, own, theirs) -> str:
    return f"{locale}: no {theirs} spoken description, so Alexa says the {own} one."


class ProductForm(forms.ModelForm):
    """The product page: refuses to make a product active with a pitch that does not fit
    one breath in some locale, unless the override is ticked (the admin records it).

    Checked when the product becomes active, and when the pitch of an active product
    changes (its name, description, price or translation); an active product whose pitch
    stays as it was saves as before."""

    override_one_breath = forms.BooleanField(
        required=False,
        label=OVERRIDE_LABEL,
        help_text="Only if the long pitch is deliberate: your name and the time are recorded "
        "in the product's history.",
    )

    image_upload = forms.FileField(
        label="Upload an image",
        required=False,
        help_text="JPEG, PNG or WebP, at least 720 × 480 pixels: resized for the shop and for "
        "the Alexa app card (720 × 480 and 1200 × 800).",
    )
    remove_image = forms.BooleanField(
        label="Remove the uploaded image", required=False, help_text="The image URL is used again."
    )

    class Meta:
        model = Product
        fields = [
            "store",
            "category",
            "name",
            "sku",
            "active",
            "best_seller",
            "spoken_name",
            "spoken_description",
            "card_description",
            "image_url",
            "price",
            "currency",
            "stock",
            "low_stock_threshold",
            "repeat_purchase",
            "refill_interval_weeks",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._categories_follow_the_store()

    def _chosen_store_id(self) -> int | None:
        """The store the form is about: the one posted, else the product's, else the one
        the page was opened for (``?store=``)."""
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("store"))
        else:
            chosen = self.instance.store_id or self.initial.get("store")
        chosen = getattr(chosen, "pk", chosen)
        try:
            return int(chosen) if chosen is not None else None
        except (TypeError, ValueError):
            return None

    def _categories_follow_the_store(self) -> None:
        """The Category choices are the chosen store's categories (from those the staff
        member may see); with no store chosen yet, each choice names its store."""
        field = self.fields.get("category")
        if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
            return
        store_id = self._chosen_store_id()
        queryset = field.queryset.select_related("store")
        if store_id is None:
            field.queryset = queryset
            field.label_from_instance = lambda category: (  # type: ignore[method-assign, assignment]
                f"{category.store.name}: {category}"
            )
            return
        field.queryset = queryset.filter(store_id=store_id)
        field.error_messages["invalid_choice"] = (
            "Choose one of the store's own categories: that one belongs to another store."
        )

    def clean_image_upload(self):
        upload = self.cleaned_data.get("image_upload")
        if upload:
            checked_image(upload)  # refused in words: not an image, too big, too small
        return upload

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        self.too_long = {}
        needed = ("store", "price", "currency")
        if not cleaned.get("active") or any(cleaned.get(name) is None for name in needed):
            return cleaned
        pitches = self._pitches(cleaned)
        failing = {loc: pitch for loc, pitch in pitches.items() if not pitch.fits_one_breath}
        if not failing or self._kept_as_it_was(pitches):
            return cleaned
        self.too_long = failing
        if not cleaned.get("override_one_breath"):
            self.add_error(
                "active",
                f"The pitch does not fit one breath ({_too_long_words(failing)}; the limit is "
                f"{limit_in_words()}). Shorten the spoken description, leave the product "
                f"inactive, or tick “{OVERRIDE_LABEL}” under Voice.",
            )
        return cleaned

    def _kept_as_it_was(self, pitches: dict[str, Pitch]) -> bool:
        """Already active with exactly this pitch (an overridden one, or one from before the
        rule): saving other fields needs no new override."""
        saved = self.instance
        if saved.pk is None or not Product.objects.filter(pk=saved.pk, active=True).exists():
            return False
        before = {locale: pitch.text for locale, pitch in store_pitches(saved).items()}
        return before == {locale: pitch.text for locale, pitch in pitches.items()}

    def _pitches(self, cleaned) -> dict[str, Pitch]:
        store = cleaned["store"]
        own = ProductText(
            spoken_name=cleaned.get("spoken_name") or cleaned.get("name") or "",
            spoken_description=cleaned.get("spoken_description") or "",
            card_description="",
        )
        translations = self.posted_localizations()
        if translations is None and self.instance.pk:
            translations = {loc.locale: loc for loc in self.instance.localizations.all()}
        translations = translations or {}
        pitches = {}
        for locale in store.locales():
            text = own
            translation = translations.get(locale) if locale != store.default_locale else None
            if translation is not None:
                text = ProductText(
                    spoken_name=translation.spoken_name or own.spoken_name,
                    spoken_description=translation.spoken_description or own.spoken_description,
                    card_description="",
                )
            pitches[locale] = pitch_for(
                spoken_name=text.spoken_name,
                spoken_description=text.spoken_description,
                price=cleaned["price"],
                currency=cleaned["currency"],
                locale=locale,
            )
        return pitches

    def posted_localizations(self, prefix="localizations") -> dict[str, ProductText] | None:
        """The translations as the page posts them (the inline below the form, validated by
        its own formset after this form), or None when the page posted none."""
        try:
            total = int(self.data.get(f"{prefix}-TOTAL_FORMS", ""))
        except ValueError:
            return None
        found = {}
        for index in range(min(total, 100)):
            field = f"{prefix}-{index}-"
            locale = self.data.get(f"{field}locale") or ""
            if not locale or self.data.get(f"{field}DELETE"):
                continue
            found[locale] = ProductText(
                spoken_name=(self.data.get(f"{field}spoken_name") or "").strip(),
                spoken_description=(self.data.get(f"{field}spoken_description") or "").strip(),
                card_description="",
            )
        return found


class ProductListForm(forms.ModelForm):
    """A row of the product list (price and stock): a new price that makes an active
    product's pitch too long is refused there; the product page has the override."""

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        product = self.instance
        price = cleaned.get("price")
        if not product.active or price is None or price == product.price:
            return cleaned
        failing = {}
        for locale, pitch in product_pitches(product).items():
            text = product.localized(None if locale == product.store.default_locale else locale)
            repriced = pitch_for(
                spoken_name=text.spoken_name,
                spoken_description=text.spoken_description,
                price=price,
                currency=product.currency,
                locale=locale,
            )
            if not repriced.fits_one_breath and repriced.text != pitch.text:
                failing[locale] = repriced
        if failing:
            self.add_error(
                "price",
                f"At this price the pitch does not fit one breath ({_too_long_words(failing)})."
                " Change it on the product's page, where the override is.",
            )
        return cleaned
