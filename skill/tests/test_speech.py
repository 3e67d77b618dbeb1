"""Per-locale voices: money as each locale says it, the same phrases in every catalog, and
whole conversations in en-GB and de-DE."""

from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from merchant.tests.factories import StoreFactory
from skill import speech
from skill.testing.envelopes import product_slot, speech_of


@pytest.mark.parametrize(
    "amount, currency, locale, spoken",
    [
        ("9.00", "USD", "en-US", "9 dollars"),
        ("9.72", "USD", "en-US", "9 dollars and 72 cents"),
        ("1.01", "USD", "en-US", "1 dollar and 1 cent"),
        ("0.72", "USD", "en-US", "72 cents"),
        ("12.50", "GBP", "en-GB", "12 pounds 50"),
        ("0.50", "GBP", "en-GB", "50 pence"),
        ("9.99", "EUR", "de-DE", "9 Euro 99"),
        ("0.40", "EUR", "de-DE", "40 Cent"),
    ],
)
def test_money_is_spoken_the_locale_way(amount, currency, locale, spoken):
    assert speech.money(Decimal(amount), currency, locale) == spoken


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_every_catalog_has_every_phrase(locale):
    reference = speech.for_locale("en-US")
    other = speech.for_locale(locale)
    missing = {
        name
        for name in dir(reference)
        if not name.startswith("_")
        and (name.isupper() or callable(getattr(reference, name)))
        and not hasattr(other, name)
    }
    assert missing == set()


def test_unknown_locales_fall_back_to_american_english():
    assert speech.for_locale("fr-FR") is speech.for_locale("en-US")


@pytest.mark.django_db
def test_a_british_store_speaks_pounds(make_shopper):
    store = StoreFactory(
        name="Razor Club",
        currency="GBP",
        default_locale="en-GB",
        enabled_locales=["en-GB"],
        tax_rate=Decimal("0.20"),
        prices_include_tax=True,
        country_of_establishment="UK",
    )
    product = ProductFactory(
        store=store,
        currency="GBP",
        spoken_name="shave kit",
        price=Decimal("12.50"),
        spoken_description="",
    )
    shopper = make_shopper(store, locale="en-GB")
    answer = shopper.say("OrderProductIntent", Product=product_slot(product))
    assert speech_of(answer) == "The shave kit, for 12 pounds 50. Do you want to order it?"
    shopper.yes()
    summary = shopper.amazon_pay()
    assert (
        "The total is 12 pounds 50, which includes 2 pounds 8 tax and free shipping."
        in speech_of(summary)
    )
    shopper.yes()
    done = shopper.amazon_pay()
    assert speech_of(done).startswith("12 pounds 50 will be paid using Amazon Pay.")


@pytest.mark.django_db
def test_the_demo_store_speaks_german_with_german_product_text(shopper, demo_store):
    shopper.locale = "de-DE"
    launch = shopper.launch()
    assert speech_of(launch) == (
        "Willkommen bei No Nicks. Du kannst ein Starterset, Nachfüllklingen oder Rasiercreme "
        "bestellen. Was darf es sein?"
    )
    kit = Product.objects.get(sku="NN-KIT")
    answer = shopper.say("OrderProductIntent", Product=product_slot(kit))
    assert speech_of(answer) == (
        "Starterset: einen beschwerten Rasierergriff, drei Klingen und eine Tube "
        "Menthol-Rasiercreme, für 9 Dollar. Möchtest du es bestellen?"
    )
    shopper.yes()
    summary = shopper.amazon_pay()
    assert speech_of(summary).startswith("Deine Bestellung bei No Nicks: 1 mal Starterset.")
    shopper.yes()
    done = shopper.amazon_pay()
    assert speech_of(done) == (
        "9 Dollar 72 werden mit Amazon Pay bezahlt. Mehr Informationen in der Alexa App. "
        "Deine Bestellung ist aufgegeben."
    )


@pytest.mark.django_db
def test_a_locale_the_store_does_not_speak_uses_its_default(make_shopper):
    store = StoreFactory(name="Only English", enabled_locales=["en-US"])
    shopper = make_shopper(store, locale="de-DE")
    assert speech_of(shopper.launch()).startswith("Welcome to Only English.")
