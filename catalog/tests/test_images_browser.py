"""In a real browser on a phone: the demo owner uploads a product image on the product page,
a non-image is refused in words, and the shop shows the uploaded picture."""

import io

import pytest
from PIL import Image

from catalog.models import Product
from testing import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def png(size=(1500, 1000)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(out, "PNG")
    return out.getvalue()


def test_owner_uploads_an_image_and_the_shop_shows_it(
    page, live_server, demo_store, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    page.set_viewport_size(PHONE)
    admin_login(page, live_server, "owner")
    page.wait_for_selector("#portal-links")
    page.goto(f"{live_server.url}/admin/catalog/product/{kit.pk}/change/")

    page.set_input_files(
        "#id_image_upload",
        {"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture"},
    )
    page.click("input[name=_continue]")
    page.wait_for_selector(".errorlist")
    assert "The file is not an image: upload a JPEG, PNG or WebP picture" in page.inner_text(
        ".errorlist"
    )

    page.set_input_files(
        "#id_image_upload", {"name": "kit.png", "mimeType": "image/png", "buffer": png()}
    )
    page.click("input[name=_continue]")
    page.wait_for_selector("img.product-image-preview")
    kit.refresh_from_db()
    assert kit.image_card_large.name.endswith("-card-large.jpg")
    assert page.evaluate("document.querySelector('img.product-image-preview').naturalWidth") == 800

    page.goto(f"{live_server.url}/shop/{demo_store.slug}/p/{kit.pk}/")
    image = page.locator("img.product-image")
    assert image.get_attribute("src") == f"/media/{kit.image_shop.name}"
    assert page.evaluate("document.querySelector('img.product-image').naturalWidth") == 800
