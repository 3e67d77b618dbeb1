"""The admin pages (store scoping, refusals in words, the speech preview) and the export of
skill-package/isps/ files."""

import json

import pytest
from django.urls import reverse

from isp.models import InSkillProduct, InSkillProductLocalization, IspPurchaseResult
from isp.package import isp_product_files, isp_validation_errors
from isp.tests.factories import ItemFactory, PriceFactory, ProductFactory, consumable, subscription
from merchant.models import Role
from merchant.tests.factories import MembershipFactory
from orders.tests.factories import CustomerFactory
from voicelab.package import PackageInvalid, build_skill_package

pytestmark = pytest.mark.django_db


def login(client, store, role=Role.CATALOG_EDITOR):
    client.force_login(MembershipFactory(store=store, role=role).user)


def test_catalog_editors_see_only_their_stores_products(client):
    mine, theirs = ProductFactory(reference_name="mine"), ProductFactory(reference_name="theirs")
    login(client, mine.store)
    listing = client.get(reverse("admin:isp_inskillproduct_changelist")).content.decode()
    assert "mine" in listing and "theirs" not in listing
    assert client.get(reverse("admin:isp_inskillproduct_change", args=[theirs.pk])).status_code in (
        302,
        403,
        404,
    )
    login(client, mine.store, Role.SUPPORT_AGENT)
    assert client.get(reverse("admin:isp_inskillproduct_changelist")).status_code == 403


def product_form(product, **changes):
    data = {
        "store": product.store_id,
        "type": product.type,
        "reference_name": product.reference_name,
        "amazon_product_id": product.amazon_product_id,
        "purchasable": "on",
        "subscription_period": "",
        "trial_days": 0,
        "units_per_purchase": 1,
        "small_icon_url": product.small_icon_url,
        "large_icon_url": product.large_icon_url,
        "tax_category": "SOFTWARE",
        "distribution_countries": '["US"]',
        "testing_instructions": "Say buy.",
        "upsell_cooldown_days": 7,
    }
    rows = list(product.localizations.all())
    prefix = "localizations"
    data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)})
    for n, row in enumerate(rows):
        for field in ["locale", "name", "summary", "description", "purchase_prompt"]:
            data[f"{prefix}-{n}-{field}"] = getattr(row, field)
        data[f"{prefix}-{n}-bought_card_text"] = row.bought_card_text
        data[f"{prefix}-{n}-example_phrases"] = json.dumps(row.example_phrases)
        data[f"{prefix}-{n}-keywords"] = json.dumps(row.keywords)
        data[f"{prefix}-{n}-id"] = row.pk
        data[f"{prefix}-{n}-product"] = product.pk
    prices = list(product.prices.all())
    data.update({"prices-TOTAL_FORMS": len(prices), "prices-INITIAL_FORMS": len(prices)})
    for n, price in enumerate(prices):
        data[f"prices-{n}-marketplace"] = price.marketplace
        data[f"prices-{n}-price"] = str(price.price)
        data[f"prices-{n}-release_date_0"] = "2024-01-01"
        data[f"prices-{n}-release_date_1"] = "00:00:00"
        data[f"prices-{n}-id"] = price.pk
        data[f"prices-{n}-product"] = product.pk
    data.update(changes)
    return data


def test_a_price_in_a_text_is_a_form_error_and_nothing_changes(client):
    product = ProductFactory()
    login(client, product.store)
    url = reverse("admin:isp_inskillproduct_change", args=[product.pk])
    response = client.post(
        url, product_form(product, **{"localizations-0-summary": "Only $1.99!", "trial_days": 0})
    )
    assert response.status_code == 200
    assert "Summary mentions a price ($, 1.99)" in response.content.decode()
    assert not InSkillProductLocalization.objects.filter(summary__contains="$").exists()
    response = client.post(url, product_form(product, **{"prices-0-price": "100.00"}))
    assert "costs 0.99 to 99.99 USD; 100.00 is outside" in response.content.decode()
    assert str(product.prices.get().price) == "2.99"
    ok = client.post(url, product_form(product, testing_instructions="Say buy it now."))
    assert ok.status_code == 302
    product.refresh_from_db()
    assert product.testing_instructions == "Say buy it now."


def test_a_bought_product_cannot_be_deleted_only_deactivated(client):
    product = ProductFactory(reference_name="pro_pack")
    customer = CustomerFactory(store=product.store)
    IspPurchaseResult.objects.create(
        store=product.store, customer=customer, product=product, name="Buy", result="ACCEPTED"
    )
    login(client, product.store, Role.OWNER)
    delete_url = reverse("admin:isp_inskillproduct_delete", args=[product.pk])
    response = client.post(delete_url, {"post": "yes"}, follow=True)
    assert "Shoppers have bought pro_pack" in response.content.decode()
    assert InSkillProduct.objects.filter(pk=product.pk).exists()
    unsold = ProductFactory(store=product.store, reference_name="unsold")
    client.post(
        reverse("admin:isp_inskillproduct_changelist"),
        {"action": "delete_unsold", "_selected_action": [product.pk, unsold.pk]},
    )
    assert list(InSkillProduct.objects.values_list("reference_name", flat=True)) == ["pro_pack"]


def test_the_item_page_previews_speech_per_locale(client):
    item = ItemFactory(spoken_text="Shave after a warm shower.")
    item.localizations.create(store=item.store, locale="de-DE", spoken_text="Nach dem Duschen.")
    login(client, item.store)
    page = client.get(reverse("admin:isp_contentitem_change", args=[item.pk])).content.decode()
    assert "<strong>en-US</strong> “Shave after a warm shower.”" in page
    assert "<strong>de-DE</strong> “Nach dem Duschen.”" in page
    assert "5 words, about 2.0 s at 150 words a minute: fits in one breath." in page


def test_export_writes_amazon_isp_files(settings):
    product = subscription(reference_name="club", trial_days=7, distribution_countries=["US", "JP"])
    product.store.privacy_policy_url = "https://example.com/privacy"
    product.store.save()
    PriceFactory(product=product, marketplace="amazon.co.jp", price="300")
    pack = consumable(store=product.store, reference_name="pack")
    pack.distribution_countries = ["US"]
    pack.save()
    assert isp_validation_errors(product.store) == []
    files = isp_product_files(product.store)
    assert sorted(files) == [
        "skill-package/isps/consumable/pack.json",
        "skill-package/isps/subscription/club.json",
    ]
    club = files["skill-package/isps/subscription/club.json"]
    assert club["version"] == "1.0" and club["type"] == "SUBSCRIPTION"
    assert club["referenceName"] == "club"
    assert club["subscriptionInformation"] == {
        "subscriptionPaymentFrequency": "MONTHLY",
        "subscriptionTrialPeriodDays": 7,
    }
    publishing = club["publishingInformation"]
    assert publishing["pricing"] == {
        "amazon.com": {
            "releaseDate": "2024-01-01T00:00Z",
            "defaultPriceListing": {"price": 2.99, "currency": "USD"},
        },
        "amazon.co.jp": {
            "releaseDate": "2024-01-01T00:00Z",
            "defaultPriceListing": {"price": 300, "currency": "JPY"},
        },
    }
    assert publishing["distributionCountries"] == ["JP", "US"]
    assert publishing["taxInformation"] == {"category": "SOFTWARE"}
    assert sorted(publishing["locales"]) == ["de-DE", "en-GB", "en-US"]
    assert publishing["locales"]["en-US"]["customProductPrompts"] == {
        "purchasePromptDescription": "Want the barbers' secrets?",
        "boughtCardDescription": "You can now hear the pro tips.",
    }
    assert club["privacyAndCompliance"]["locales"]["en-US"] == {
        "privacyPolicyUrl": "https://example.com/privacy"
    }
    assert (club["purchasableState"], club["testingInstructions"]) == ("PURCHASABLE", "Say buy it.")


def test_export_refuses_invalid_products_naming_them(settings):
    product = consumable(reference_name="pack", distribution_countries=["US", "DE"])
    product.testing_instructions = ""
    product.save()
    product.prices.update(price="12.00")
    product.localizations.filter(locale="de-DE").delete()
    assert isp_validation_errors(product.store) == [
        "In-skill products need the store's privacy policy URL.",
        "In-skill product pack: testing instructions is required.",
        "In-skill product pack: the skill speaks de-DE: add texts for it.",
        "In-skill product pack (amazon.com): price: A consumable on amazon.com costs 0.99 to "
        "9.99 USD; 12.00 is outside.",
        "In-skill product pack: sold in DE but no price is set in the marketplace serving it.",
    ]
    with pytest.raises(PackageInvalid) as exc:
        build_skill_package(store=product.store)
    assert "In-skill product pack: testing instructions is required." in exc.value.args[0]
