"""The catalog's texts as Alexa needs them, refused on the product page in words: a spoken
description only of what Alexa can say, card text within the Alexa app's card, a price
above zero (also a database rule)."""

from decimal import Decimal

import pytest

from alexa.cards import CARD_MAX_CHARACTERS
from catalog.models import Product
from catalog.tests.test_admin_input import change_url, product_form, shop  # noqa: F401
from catalog.text_rules import spoken_text_error, unsayable_characters

pytestmark = pytest.mark.django_db


def test_the_card_limit_is_amazons_eight_thousand_characters():
    assert CARD_MAX_CHARACTERS == 8000


def test_letters_of_the_locales_digits_and_common_punctuation_are_sayable():
    text = "Größe 2: a café-style “kit” (3 blades), 50 % off — 9,99 € & £5/$7; wow! ok? it’s"
    assert unsayable_characters(text) == []
    assert spoken_text_error("eine große Tube\nkühlende Menthol-Rasiercreme") is None


def test_emoji_symbols_and_other_scripts_are_named_in_words_once_each():
    assert spoken_text_error("a razor 😀 kit™ 😀 剃刀") == (
        "Alexa cannot say “😀” (grinning face), “™” (trade mark sign), “剃” (cjk unified "
        "ideograph-5243), “刀” (cjk unified ideograph-5200). Use letters, digits, spaces and "
        "common punctuation; say it in words instead."
    )


def errors_of(response):
    return response.context["adminform"].form.errors


def test_a_spoken_description_with_an_emoji_is_a_form_error_in_words(client, shop):  # noqa: F811
    _, product = shop
    data = product_form(product, [], spoken_description="a sharp razor 🪒 and cream")
    response = client.post(change_url(product), data)
    assert response.status_code == 200
    assert errors_of(response)["spoken_description"] == [
        "Alexa cannot say “🪒” (razor). Use letters, digits, spaces and common punctuation; "
        "say it in words instead."
    ]
    assert Product.objects.get(pk=product.pk).spoken_description == "a sturdy thing"


def test_a_translated_spoken_description_with_a_symbol_is_a_form_error(client, shop):  # noqa: F811
    store, product = shop
    store.enabled_locales = ["en-US", "de-DE"]
    store.save()
    data = product_form(product, [])
    data.update(
        {
            "localizations-TOTAL_FORMS": "1",
            "localizations-0-locale": "de-DE",
            "localizations-0-spoken_name": "Set",
            "localizations-0-spoken_description": "ein Set ♥",
            "localizations-0-card_description": "",
        }
    )
    response = client.post(change_url(product), data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][1].formset
    assert formset.forms[0].errors["spoken_description"] == [
        "Alexa cannot say “♥” (black heart suit). Use letters, digits, spaces and common "
        "punctuation; say it in words instead."
    ]
    assert not product.localizations.exists()


def test_card_text_is_capped_at_the_card_limit_title_included(client, shop):  # noqa: F811
    _, product = shop  # named "Kit": 3 characters of the card's 8,000
    fits = "x" * (CARD_MAX_CHARACTERS - 3)
    response = client.post(change_url(product), product_form(product, [], card_description=fits))
    assert response.status_code == 302
    over = fits + "x"
    response = client.post(change_url(product), product_form(product, [], card_description=over))
    assert response.status_code == 200
    assert errors_of(response)["card_description"] == [
        "The Alexa app card holds 8,000 characters, its title and text together: the title "
        "“Kit” leaves 7,997 for the text, which has 7,998. Shorten it."
    ]
    assert Product.objects.get(pk=product.pk).card_description == fits


def test_a_zero_price_is_a_form_error_in_words(client, shop):  # noqa: F811
    _, product = shop
    response = client.post(change_url(product), product_form(product, [], price="0"))
    assert response.status_code == 200
    assert errors_of(response)["price"] == [
        "The price must be above zero: Alexa cannot sell a product for nothing."
    ]
    assert "product_price_gte_0" not in response.content.decode()
    assert Product.objects.get(pk=product.pk).price == Decimal("9.00")
