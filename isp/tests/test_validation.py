"""Every rule an in-skill product or content item must follow, as the owner meets it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from isp import texts
from isp.facts import ProductType
from isp.models import ContentAccess, InSkillProductPrice
from isp.models.products import price_error
from isp.tests.factories import (
    ItemFactory,
    LocalizationFactory,
    PriceFactory,
    ProductFactory,
    consumable,
    subscription,
)

pytestmark = pytest.mark.django_db


def errors(obj) -> dict:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


@pytest.mark.parametrize(
    "text, found",
    [
        ("Only $2.99 today", ["$", "2.99"]),
        ("Just 99 cents", ["99 cents"]),
        ("für 2,99 €", ["2,99", "€"]),
        ("Costs five pounds sterling", ["pounds sterling"]),
        ("Only 500 ¥", ["¥"]),
        ("Two dollars a month", ["dollars"]),
        ("Zehn Euro im Monat", ["Euro"]),
        ("Billed in USD", ["USD"]),
        ("Ten tips from barbers, 3 sessions, 2.5 minutes", []),
    ],
)
def test_prices_are_found_in_texts(text, found):
    assert texts.price_mentions(text) == found


def test_a_text_with_a_price_is_refused_naming_the_field():
    row = LocalizationFactory.build(product=ProductFactory(listing=False))
    row.summary = "Ten tips for only 99 cents."
    assert errors(row) == {
        "summary": [
            "Summary mentions a price (99 cents): Amazon states the price itself, so product "
            "texts may not."
        ]
    }


def test_the_purchase_prompt_must_differ_from_the_summary():
    row = LocalizationFactory.build(product=ProductFactory(listing=False))
    row.purchase_prompt = "ten advanced TIPS from barbers"
    assert errors(row) == {
        "purchase_prompt": ["The purchase prompt must differ from the summary (certification)."]
    }


def test_placeholders_and_bad_phrase_lists_are_refused():
    row = LocalizationFactory.build(product=ProductFactory(listing=False))
    row.description = "All about {PREMIUM_CONTENT_TITLE}."
    row.example_phrases = "buy it"
    found = errors(row)
    assert found["description"] == [
        "Description still has a placeholder ({PREMIUM_CONTENT_TITLE})."
    ]
    assert found["example_phrases"] == ['A list of phrases, e.g. ["buy the pro pack"].']


@pytest.mark.parametrize("name", ["ab", "pro-pack", "pro pack", "x" * 51, "prö"])
def test_reference_names_are_3_to_50_letters_digits_underscores(name):
    product = ProductFactory.build(store=ProductFactory(listing=False).store, reference_name=name)
    assert "reference_name" in errors(product)


def test_reference_names_are_unique_per_store_ignoring_case():
    first = ProductFactory(reference_name="pro_pack", listing=False)
    clash = ProductFactory.build(store=first.store, reference_name="PRO_PACK")
    assert errors(clash) == {"__all__": ["Another product of this store has this reference name."]}
    ProductFactory.build(reference_name="pro_pack", store=ProductFactory().store).full_clean()


def test_type_specific_fields():
    store = ProductFactory(listing=False).store
    sub = ProductFactory.build(store=store, type=ProductType.SUBSCRIPTION, reference_name="club")
    assert errors(sub) == {"subscription_period": ["A subscription renews monthly or yearly."]}
    sub.subscription_period = "MONTHLY"
    sub.trial_days = 366
    assert errors(sub) == {"trial_days": ["A free trial lasts at most 365 days."]}
    sub.trial_days = 365
    sub.full_clean()
    one = ProductFactory.build(
        store=store, reference_name="one", trial_days=7, units_per_purchase=5
    )
    assert errors(one) == {
        "trial_days": ["Only subscriptions have a free trial."],
        "units_per_purchase": ["Only consumables add several units a purchase."],
    }
    icons = ProductFactory.build(
        store=store, reference_name="icons", small_icon_url="http://example.com/a.png"
    )
    assert errors(icons) == {"small_icon_url": ["Use an https:// address: Alexa accepts no other."]}
    countries = ProductFactory.build(
        store=store, reference_name="ctry", distribution_countries=["IN"]
    )
    assert errors(countries) == {"distribution_countries": ["No ISP marketplace sells to IN."]}


@pytest.mark.parametrize(
    "marketplace, type_, price, ok",
    [
        ("amazon.com", ProductType.ENTITLEMENT, "0.99", True),
        ("amazon.com", ProductType.ENTITLEMENT, "0.98", False),
        ("amazon.com", ProductType.SUBSCRIPTION, "99.99", True),
        ("amazon.com", ProductType.SUBSCRIPTION, "100.00", False),
        ("amazon.co.uk", ProductType.CONSUMABLE, "9.99", True),
        ("amazon.de", ProductType.CONSUMABLE, "10.00", False),
        ("amazon.ca", ProductType.ENTITLEMENT, "99.99", True),
        ("amazon.co.jp", ProductType.ENTITLEMENT, "99", True),
        ("amazon.co.jp", ProductType.ENTITLEMENT, "98", False),
        ("amazon.co.jp", ProductType.SUBSCRIPTION, "9999", True),
        ("amazon.co.jp", ProductType.CONSUMABLE, "999", True),
        ("amazon.co.jp", ProductType.CONSUMABLE, "1000", False),
        ("amazon.co.jp", ProductType.ENTITLEMENT, "120.50", False),
    ],
)
def test_price_limits_per_currency_and_type(marketplace, type_, price, ok):
    assert (price_error(marketplace, type_, Decimal(price)) == "") is ok


def test_price_row_names_the_limits():
    product = consumable(listing=False)
    row = PriceFactory.build(product=product, marketplace="amazon.de", price=Decimal("12.00"))
    assert errors(row) == {
        "price": ["A consumable on amazon.de costs 0.99 to 9.99 EUR; 12.00 is outside."]
    }


def test_content_item_rules():
    item = ItemFactory.build(collection=ItemFactory().collection)
    item.store = item.collection.store
    item.spoken_text = " ".join(["word"] * 21)
    item.audio_url = "https://example.com/clip.mp3"
    item.audio_seconds = 241
    item.access = ContentAccess.ONE_TIME
    found = errors(item)
    assert found["spoken_text"] == [
        "Too long for one breath: 21 words, at most 20 (8 s at 150 words a minute)."
    ]
    assert found["audio_seconds"] == ["A clip lasts at most 240 seconds."]
    assert found["product"] == ["Choose the one-time purchase it needs."]
    item.spoken_text = "Use <break> here"
    item.audio_seconds = 240
    item.product = consumable(store=item.store)
    found = errors(item)
    assert found["spoken_text"] == [
        "Spoken text cannot contain < or >: Alexa would read it as SSML markup."
    ]
    assert found["product"] == [f"{item.product} is a consumable, not a one-time purchase."]
    item.spoken_text = "Twenty words or fewer & fine."
    item.access = ContentAccess.CONSUMABLE
    item.full_clean()
    item.audio_url = "https://example.com/clip.wav"
    assert errors(item) == {"audio_url": ["Alexa plays MP3 clips: the address should end in .mp3."]}


def test_subscription_content_names_no_product():
    item = ItemFactory()
    item.access = ContentAccess.SUBSCRIPTION
    item.product = subscription(store=item.store)
    assert errors(item) == {"product": ["Only one-time and consumable content names a product."]}


def test_nothing_was_saved_by_a_refusal():
    assert InSkillProductPrice.objects.count() == 0
