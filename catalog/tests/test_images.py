"""Product images uploaded in the admin (catalog/images.py): checked with Pillow (type, size,
pixels), resized for the shop and Alexa's cards, stored through the storage API, served from
the media address, shown by the shop; the image URL still works without an upload."""

import io
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalog import images
from catalog.models import Product
from catalog.tests.factories import CategoryFactory, ProductFactory
from catalog.tests.test_admin import change_url, product_form
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def picture(size=(1600, 1000), kind="PNG", mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def upload(data: bytes, name="kit.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def shop(client):
    store = StoreFactory(slug="nonicks")
    product = ProductFactory(
        store=store, category=CategoryFactory(store=store), name="Kit", price=Decimal("9.00")
    )
    member = MembershipFactory(store=store, role=Role.OWNER)
    client.force_login(member.user)
    return store, product


def post(client, product, **extra):
    data = product_form(product, **extra)
    data["synonyms-0-value"] = ""
    return client.post(change_url(product), data)


def stored_files(root) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_an_uploaded_image_is_resized_for_the_shop_and_the_alexa_card(
    client, shop, media_root, django_capture_on_commit_callbacks
):
    store, product = shop
    response = post(client, product, image_upload=upload(picture((1600, 1000), mode="RGBA")))
    assert response.status_code == 302, response.content.decode()[-2000:]
    product.refresh_from_db()
    sizes = {}
    for field in ("image_shop", "image_card_small", "image_card_large"):
        name = getattr(product, field).name
        assert name.startswith(f"products/{store.pk}/{product.pk}-") and name.endswith(".jpg")
        with default_storage.open(name) as f, Image.open(f) as image:
            assert image.format == "JPEG"
            sizes[field] = image.size
    assert sizes == {
        "image_shop": (800, 500),
        "image_card_small": (720, 480),
        "image_card_large": (1200, 800),
    }
    assert LogEntry.objects.filter(change_message="Uploaded a new image.").count() == 1
    # A second upload replaces the files of the first.
    first = stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, product, image_upload=upload(picture((900, 900), kind="JPEG"), "b.jpg"))
    product.refresh_from_db()
    assert len(stored_files(media_root)) == 3
    assert not set(first) & set(stored_files(media_root))
    # Removing it shows the image URL again; the files go.
    with django_capture_on_commit_callbacks(execute=True):
        post(client, product, remove_image="on", image_url="https://img.example.com/kit.png")
    product.refresh_from_db()
    assert (product.image_shop.name, product.shop_image_url) == (
        "",
        "https://img.example.com/kit.png",
    )
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    "data, name, words",
    [
        (b"name,price\nkit,9\n", "kit.png", "The file is not an image: upload a JPEG, PNG or WebP"),
        (picture()[:200], "cut.png", "The file is not an image"),
        (picture(kind="GIF"), "kit.gif", "The image is a GIF; upload a JPEG, PNG or WebP"),
        (
            picture((300, 200)),
            "small.png",
            "The image is 300 × 200 pixels; it needs at least "
            "720 × 480 (the Alexa app card&#x27;s small image).",
        ),
    ],
)
def test_what_is_not_a_usable_image_is_refused_in_words(
    client, shop, media_root, data, name, words
):
    store, product = shop
    response = post(client, product, image_upload=upload(data, name), price="11.00")
    assert response.status_code == 200
    assert words in response.content.decode()
    product.refresh_from_db()
    assert (product.image_shop.name, product.price) == ("", Decimal("9.00"))
    assert stored_files(media_root) == []


def test_oversize_files_and_pixel_bombs_are_refused(client, shop, media_root, settings):
    store, product = shop
    settings.CATALOG_IMAGE_MAX_BYTES = 1_048_576
    big = picture((3000, 2000), kind="BMP")  # 18 MB of pixels
    response = post(client, product, image_upload=upload(big, "big.bmp"))
    assert "The image has 17.2 MB; an image has at most 1 MB." in response.content.decode()
    settings.CATALOG_IMAGE_MAX_BYTES = 50 * 1_048_576
    settings.CATALOG_IMAGE_MAX_PIXELS = 1_000_000
    response = post(client, product, image_upload=upload(picture((1600, 1000)), "wide.png"))
    assert "The image has too many pixels: at most 1,000,000." in response.content.decode()
    assert stored_files(media_root) == []


def test_the_shop_shows_the_uploaded_image_served_from_media(client, shop):
    store, product = shop
    post(client, product, image_upload=upload(picture()))
    product.refresh_from_db()
    page = client.get(reverse("shop:product", args=[store.slug, product.pk])).content.decode()
    assert f'src="/media/{product.image_shop.name}"' in page
    served = client.get(f"/media/{product.image_shop.name}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"


def test_the_image_url_still_works_without_an_upload(client, shop):
    store, product = shop
    Product.objects.filter(pk=product.pk).update(image_url="https://img.example.com/kit.png")
    page = client.get(reverse("shop:product", args=[store.slug, product.pk])).content.decode()
    assert 'src="https://img.example.com/kit.png"' in page


def test_card_urls_are_absolute_https_from_the_public_base_url(settings):
    settings.PUBLIC_BASE_URL = "https://portal.example.com"
    assert images.absolute_url("products/1/2-ab-card-small.jpg") == (
        "https://portal.example.com/media/products/1/2-ab-card-small.jpg"
    )
    assert images.absolute_url("") == ""
