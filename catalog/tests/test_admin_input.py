"""Staff input the admin must answer in words: long synonym lists, over-long values,
invocation names per locale, amounts that break a database rule."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product, ProductSynonym
from catalog.tests.factories import CategoryFactory, ProductFactory
from merchant.models import Role, Store
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(client):
    store = StoreFactory(enabled_locales=["en-US"], default_locale="en-US")
    category = CategoryFactory(store=store)
    product = ProductFactory(store=store, category=category, name="Kit", price=Decimal("9.00"))
    member = MembershipFactory(store=store, role=Role.OWNER)
    client.force_login(member.user)
    return store, product


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def product_form(product, synonyms, **changes):
    data = {
        "store": product.store_id,
        "category": product.category_id,
        "name": product.name,
        "sku": product.sku,
        "active": "on",
        "spoken_name": product.spoken_name,
        "spoken_description": product.spoken_description,
        "card_description": "",
        "image_url": "",
        "price": str(product.price),
        "currency": product.currency,
        "stock": str(product.stock),
        "refill_interval_weeks": "",
        "synonyms-TOTAL_FORMS": str(len(synonyms)),
        "synonyms-INITIAL_FORMS": "0",
        "synonyms-MIN_NUM_FORMS": "0",
        "synonyms-MAX_NUM_FORMS": "1000",
        "localizations-TOTAL_FORMS": "0",
        "localizations-INITIAL_FORMS": "0",
        "localizations-MIN_NUM_FORMS": "0",
        "localizations-MAX_NUM_FORMS": "1000",
    }
    for n, value in enumerate(synonyms):
        data[f"synonyms-{n}-value"] = value
        data[f"synonyms-{n}-locale"] = ""
    data.update(changes)
    return data


def test_a_product_with_eight_hundred_synonyms_saves(client, shop):
    _, product = shop
    synonyms = [f"razor model {n}" for n in range(800)]
    response = client.post(change_url(product), product_form(product, synonyms))
    assert response.status_code == 302, response.content[:500]
    assert ProductSynonym.objects.filter(product=product).count() == 800


def test_more_synonyms_than_the_stated_limit_are_a_form_error_and_nothing_is_saved(client, shop):
    _, product = shop
    synonyms = [f"razor model {n}" for n in range(1001)]
    response = client.post(change_url(product), product_form(product, synonyms))
    assert response.status_code == 200
    assert (
        "A product can have at most 1000 synonyms: remove some before adding more."
        in response.content.decode()
    )
    assert ProductSynonym.objects.filter(product=product).count() == 0


def test_an_over_long_synonym_is_refused_with_a_form_error_never_cut(client, shop):
    _, product = shop
    page = client.get(change_url(product)).content.decode()
    assert 'maxlength="140"' not in page  # a browser would cut a pasted value silently
    response = client.post(change_url(product), product_form(product, ["razor " * 933]))
    assert response.status_code == 200
    assert "At most 140 characters, please (this has 5597)." in response.content.decode()
    assert ProductSynonym.objects.filter(product=product).count() == 0


def test_a_negative_price_is_worded_for_people(client, shop):
    _, product = shop
    response = client.post(change_url(product), product_form(product, [], price="-1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The price cannot be negative." in page
    assert "product_price_gte_0" not in page
    assert Product.objects.get(pk=product.pk).price == Decimal("9.00")


def store_form(client, store, **changes):
    form = client.get(change_url(store)).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "skill_ids-TOTAL_FORMS": "0",
            "skill_ids-INITIAL_FORMS": "0",
            "skill_ids-MIN_NUM_FORMS": "0",
            "skill_ids-MAX_NUM_FORMS": "1000",
        }
    )
    data.update(changes)
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


@pytest.mark.parametrize(
    "field,value,message",
    [
        (
            "tax_rate",
            "8",
            "Write the tax rate as a fraction of one: 8 % is 0.08, 8.25 % is 0.0825.",
        ),
        ("tax_rate", "-0.1", "The tax rate cannot be negative."),
        ("shipping_fee", "-2", "The shipping fee cannot be negative."),
        ("free_shipping_threshold", "-5", "The free-shipping threshold cannot be negative."),
    ],
)
def test_store_amounts_are_worded_for_people(client, shop, field, value, message):
    store, _ = shop
    response = client.post(change_url(store), store_form(client, store, **{field: value}))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors[field] == [message]
    assert "Constraint" not in response.content.decode()
    assert Store.objects.get(pk=store.pk).tax_rate == store.tax_rate


@pytest.mark.parametrize(
    "locales,name,error",
    [
        (
            ["en-US"],
            "alexa shop",
            'en-US: invocation name "alexa shop" contains "alexa", a wake word or a word '
            "Alexa reserves.",
        ),
        (
            ["en-US", "de-DE"],
            "müller laden",
            'en-US: invocation name "müller laden" may contain only letters, spaces, '
            'apostrophes and periods (for abbreviations such as "a. b. c."); in this '
            "language the letters are the letters a to z.",
        ),
        (["de-DE"], "Müller Laden", 'de-DE: invocation name "Müller Laden" must be lower case.'),
    ],
)
def test_invocation_names_are_checked_on_save_with_each_locales_rules(
    client, shop, locales, name, error
):
    store, _ = shop
    data = store_form(
        client, store, enabled_locales=locales, default_locale=locales[0], invocation_name=name
    )
    response = client.post(change_url(store), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["invocation_name"] == [error]
    assert Store.objects.get(pk=store.pk).invocation_name == store.invocation_name


def test_a_german_only_store_may_use_umlauts(client, shop):
    store, _ = shop
    data = store_form(
        client,
        store,
        enabled_locales=["de-DE"],
        default_locale="de-DE",
        invocation_name="müller laden",
        amazon_pay_seller_id="A1B2C3",
    )
    response = client.post(change_url(store), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Store.objects.get(pk=store.pk).invocation_name == "müller laden"
