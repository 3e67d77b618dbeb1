"""Product images uploaded in the admin: checked with Pillow, resized for the web shop and for
Alexa's cards, stored through Django's storage API (``STORAGES["default"]``: local files or
an S3-compatible bucket, ``config/media_settings.py``).

Checked: the file is a JPEG, PNG or WebP image Pillow can read whole, at most
``CATALOG_IMAGE_MAX_BYTES`` bytes and ``CATALOG_IMAGE_MAX_PIXELS`` pixels, and at least the
size of Alexa's small card image. Made from it: the shop's image (at most ``SHOP_SIZE``,
proportions kept) and the card's two images at Amazon's sizes (``CARD_SMALL`` 720 × 480 and
``CARD_LARGE`` 1200 × 800, cropped to 3:2 around the centre), all JPEG. Alexa shows card
images only from HTTPS addresses: ``absolute_url`` makes them absolute from
``PUBLIC_BASE_URL`` when the storage gives a path.
"""

import io
import secrets
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
CARD_SMALL = (720, 480)  # Amazon's smallImageUrl size for a Standard card
CARD_LARGE = (1200, 800)  # Amazon's largeImageUrl size
SHOP_SIZE = (800, 800)
JPEG_QUALITY = 85


def checked_image(upload) -> Image.Image:
    """The upload as a Pillow image, or a ``ValidationError`` saying what is wrong with it."""
    limit = settings.CATALOG_IMAGE_MAX_BYTES
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise ValidationError(
            f"The image has {size / 1_048_576:.1f} MB; an image has at most "
            f"{limit / 1_048_576:.0f} MB."
        )
    data = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = settings.CATALOG_IMAGE_MAX_PIXELS
            probe = Image.open(io.BytesIO(data))
            kind = probe.format
            probe.verify()  # the whole file, not just its header
            image = Image.open(io.BytesIO(data))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            f"The image has too many pixels: at most {settings.CATALOG_IMAGE_MAX_PIXELS:,}."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "The file is not an image: upload a JPEG, PNG or WebP picture of the product."
        ) from exc
    if kind not in FORMATS:
        raise ValidationError(
            f"The image is a {kind}; upload a JPEG, PNG or WebP picture of the product."
        )
    width, height = image.size
    if width < CARD_SMALL[0] or height < CARD_SMALL[1]:
        raise ValidationError(
            f"The image is {width} × {height} pixels; it needs at least "
            f"{CARD_SMALL[0]} × {CARD_SMALL[1]} (the Alexa app card's small image)."
        )
    return image


def _jpeg(image: Image.Image) -> bytes:
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def resized(image: Image.Image) -> dict[str, bytes]:
    """The shop's image and the card's two images, as JPEG bytes."""
    image = ImageOps.exif_transpose(image)
    shop = image.copy()
    shop.thumbnail(SHOP_SIZE, Image.Resampling.LANCZOS)
    return {
        "shop": _jpeg(shop),
        "card_small": _jpeg(ImageOps.fit(image, CARD_SMALL, Image.Resampling.LANCZOS)),
        "card_large": _jpeg(ImageOps.fit(image, CARD_LARGE, Image.Resampling.LANCZOS)),
    }


def store_images(*, store_id: int, product_id: int, images: dict[str, bytes]) -> dict[str, str]:
    """Save each image through the default storage; returns the stored names per kind."""
    token = secrets.token_hex(6)  # a new name per upload: caches never show the old picture
    return {
        kind: default_storage.save(
            f"products/{store_id}/{product_id}-{token}-{kind.replace('_', '-')}.jpg",
            ContentFile(data),
        )
        for kind, data in images.items()
    }


def absolute_url(name: str | None) -> str:
    """The stored file's address, absolute (``PUBLIC_BASE_URL`` before a local path)."""
    if not name:
        return ""
    url = default_storage.url(name)
    if url.startswith(("https://", "http://")):
        return url
    return f"{settings.PUBLIC_BASE_URL}{url if url.startswith('/') else '/' + url}"
