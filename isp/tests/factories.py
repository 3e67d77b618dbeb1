from datetime import UTC, datetime
from decimal import Decimal

import factory

from isp.facts import ProductType, SubscriptionPeriod
from isp.models import (
    ContentCollection,
    ContentItem,
    InSkillProduct,
    InSkillProductLocalization,
    InSkillProductPrice,
    IspSettings,
)
from merchant.tests.factories import StoreFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InSkillProduct
        skip_postgeneration_save = True

    store = factory.SubFactory(StoreFactory)
    type = ProductType.ENTITLEMENT
    reference_name = factory.Sequence(lambda n: f"product_{n}")
    small_icon_url = "https://example.com/108.png"
    large_icon_url = "https://example.com/512.png"
    distribution_countries = factory.LazyFunction(lambda: ["US"])
    testing_instructions = "Say buy it."

    @factory.post_generation
    def listing(obj, create, extracted, **kwargs):
        """Texts for every locale the store speaks and a price on amazon.com."""
        if not create or extracted is False:
            return
        for locale in obj.store.locales():
            LocalizationFactory(product=obj, locale=locale)
        price = {ProductType.CONSUMABLE: "0.99"}.get(obj.type, "2.99")
        PriceFactory(product=obj, marketplace="amazon.com", price=Decimal(price))


def subscription(**kwargs):
    kwargs.setdefault("subscription_period", SubscriptionPeriod.MONTHLY)
    return ProductFactory(type=ProductType.SUBSCRIPTION, **kwargs)


def consumable(**kwargs):
    kwargs.setdefault("units_per_purchase", 3)
    return ProductFactory(type=ProductType.CONSUMABLE, **kwargs)


class LocalizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InSkillProductLocalization

    product = factory.SubFactory(ProductFactory, listing=False)
    store = factory.LazyAttribute(lambda o: o.product.store)
    locale = "en-US"
    name = "Pro Pack"
    summary = "Ten advanced tips from barbers."
    description = "Ten advanced shaving tips from professional barbers."
    example_phrases = factory.LazyFunction(lambda: ["buy the pro pack"])
    keywords = factory.LazyFunction(lambda: ["tips"])
    purchase_prompt = "Want the barbers' secrets?"
    bought_card_text = "You can now hear the pro tips."


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InSkillProductPrice

    product = factory.SubFactory(ProductFactory, listing=False)
    store = factory.LazyAttribute(lambda o: o.product.store)
    marketplace = "amazon.com"
    price = Decimal("2.99")
    release_date = datetime(2024, 1, 1, tzinfo=UTC)


class CollectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentCollection

    store = factory.SubFactory(StoreFactory)
    name = factory.Sequence(lambda n: f"Tips {n}")
    spoken_name = "tips"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentItem

    collection = factory.SubFactory(CollectionFactory)
    store = factory.LazyAttribute(lambda o: o.collection.store)
    title = factory.Sequence(lambda n: f"Tip {n}")
    spoken_text = "Shave after a warm shower."


def sandbox_on(store):
    IspSettings.objects.update_or_create(store=store, defaults={"sandbox_mode": True})
    return store
