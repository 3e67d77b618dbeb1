from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from skill.speech.pitch import live_preview_data, pitch_for, product_pitch, seconds_for

pytestmark = pytest.mark.django_db


def test_speaking_time_is_words_at_150_per_minute():
    assert seconds_for(0) == 0.0
    assert seconds_for(20) == 8.0
    assert seconds_for(15) == 6.0
    assert seconds_for(41) == 16.4


def test_demo_starter_kit_pitch_is_the_exact_sentence_and_fits_one_breath(demo_store):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    pitch = product_pitch(kit, "en-US")
    assert pitch.text == (
        "The starter kit: a weighted razor handle, three blades and menthol shaving cream, "
        "for 9 dollars. Do you want to order it?"
    )
    assert pitch.words == 16
    assert pitch.seconds == 6.4
    assert pitch.fits_one_breath


def test_twenty_words_fit_one_breath_and_twenty_one_do_not():
    product = ProductFactory(
        spoken_name="kit", spoken_description=" ".join(["word"] * 15), price=Decimal("5.00")
    )
    # "The kit:" (2) + 15 words + "for 5 dollars." (3) = 20 words = 8.0 s: fits
    assert product_pitch(product, "en-US").fits_one_breath
    product.spoken_description += " more"  # 21 words = 8.4 s
    pitch = product_pitch(product, "en-US")
    assert pitch.words == 21
    assert pitch.seconds == 8.4
    assert not pitch.fits_one_breath


def test_pitch_escapes_catalog_text_for_ssml():
    product = ProductFactory(spoken_name="Soap & <Suds>", spoken_description="foam")
    assert "Soap &amp; &lt;Suds&gt;" in product_pitch(product, "en-US").ssml


def test_pitch_speaks_money_the_locale_way():
    product = ProductFactory(price=Decimal("9.99"), spoken_name="kit", spoken_description="")
    assert product_pitch(product, "en-US").ssml.endswith("for 9 dollars and 99 cents.")
    assert product_pitch(product, "de-DE").ssml.endswith("für 9 Dollar 99.")


def test_tags_in_catalog_text_are_words_not_ssml():
    pitch = pitch_for(
        spoken_name="kit",
        spoken_description="one <break time='1s'/> two",
        price=Decimal("5.00"),
        currency="USD",
        locale="en-US",
    )
    assert (
        pitch.text == "The kit: one <break time='1s'/> two, for 5 dollars. Do you want to order it?"
    )
    assert (pitch.words, pitch.seconds) == (9, 3.6)


def test_the_list_and_the_page_count_the_whole_pitch_not_the_description(demo_store):
    """The product list once said 5.6 s (the description alone) where the page said 8.0 s."""
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    assert len(kit.spoken_description.split()) == 10  # 4.0 s on its own
    assert product_pitch(kit, "en-US").seconds == 6.4


@pytest.mark.parametrize(
    ("locale", "price", "words"),
    [
        ("en-US", "9.00", "9 dollars"),
        ("en-US", "1.01", "1 dollar and 1 cent"),
        ("en-US", "0.45", "45 cents"),
        ("en-US", "12.50", "12 dollars and 50 cents"),
        ("de-DE", "12.50", "12 Dollar 50"),
        ("en-GB", "1.00", "1 dollar"),
    ],
)
def test_the_live_preview_gets_the_shape_of_every_price(locale, price, words):
    """What pitch_preview.js fills in: the shape for (whole, minor) each none, one or many."""
    data = live_preview_data(price=Decimal(price), currency="USD", locale=locale)
    whole, minor = (int(part) for part in price.split("."))
    kind = "".join("0" if n == 0 else "1" if n == 1 else "n" for n in (whole, minor))
    shape = data["money"][kind].replace("{whole}", str(whole)).replace("{minor}", str(minor))
    assert shape == words == data["price"]


def test_the_live_preview_templates_give_the_pitch_the_skill_says():
    data = live_preview_data(price=Decimal("9.00"), currency="USD", locale="en-US")
    assert data["template"] == "The {name}: {description}, for {price}."
    assert data["template_short"] == "The {name}, for {price}."
    assert data["question"] == "Do you want to order it?"
    german = live_preview_data(price=Decimal("9.00"), currency="USD", locale="de-DE")
    assert german["template"] == "{name}: {description}, für {price}."
    assert german["template_short"] == "{name} für {price}."
