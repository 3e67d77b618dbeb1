"""A pitched product with an uploaded image shows it on the Alexa app's card (a Standard card
with Amazon's two image sizes, absolute HTTPS addresses); without one there is no card."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog import services
from catalog.models import Product
from skill.testing.envelopes import product_slot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_BASE_URL = "https://portal.example.com"


def test_the_pitch_shows_the_uploaded_image_on_a_standard_card(shopper, demo_store):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    out = io.BytesIO()
    Image.new("RGB", (1500, 1000), (10, 10, 10)).save(out, "PNG")
    services.product_image_set(
        product=kit,
        upload=SimpleUploadedFile("kit.png", out.getvalue()),
        actor=User.objects.get(username="owner"),
    )
    kit.refresh_from_db()
    answer = shopper.say("OrderProductIntent", Product=product_slot(kit, words="razor"))
    card = answer["response"]["card"]
    assert card == {
        "type": "Standard",
        "title": "No Nicks Starter Kit",
        "text": kit.card_description or kit.spoken_description,
        "image": {
            "smallImageUrl": f"https://portal.example.com/media/{kit.image_card_small.name}",
            "largeImageUrl": f"https://portal.example.com/media/{kit.image_card_large.name}",
        },
    }


def test_no_uploaded_image_no_card(shopper, demo_store):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    answer = shopper.say("OrderProductIntent", Product=product_slot(kit, words="razor"))
    assert "card" not in answer["response"]
