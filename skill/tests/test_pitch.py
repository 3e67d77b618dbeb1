from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from skill.speech.pitch import product_pitch, speaking_seconds

pytestmark = pytest.mark.django_db


def test_speaking_time_is_words_at_150_per_minute():
    assert speaking_seconds("") == 0.0
    assert speaking_seconds(" ".join(["word"] * 20)) == 8.0
    assert speaking_seconds(" ".join(["word"] * 15)) == 6.0
    assert speaking_seconds("<speak>one <break time='1s'/> two</speak>") == 0.8


def test_demo_starter_kit_pitch_is_the_exact_sentence_and_fits_one_breath(demo_store):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    pitch = product_pitch(kit, "en-US")
    assert pitch.text == (
        "The starter kit: a weighted razor handle, three blades and a two-ounce tube "
        "of menthol shaving cream, for 9 dollars. Do you want to order it?"
    )
    assert pitch.words == 20
    assert pitch.seconds == 8.0
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
