"""Uploaded files (product images): where they are stored and how they are served.

``MEDIA_STORAGE=local`` (the default, ``make run``): files under ``MEDIA_ROOT``, served by the
portal at ``MEDIA_URL``. ``MEDIA_STORAGE=s3``: an S3-compatible bucket through
django-storages (AWS S3, Cloudflare R2, MinIO, ...), files served by the bucket (or
``MEDIA_S3_CUSTOM_DOMAIN``, a CDN) over HTTPS. Either way Alexa's card images get absolute
HTTPS addresses (``catalog.images.absolute_url``: a relative ``MEDIA_URL`` is put after
``PUBLIC_BASE_URL``).
"""

from pathlib import Path

import environ

env = environ.Env()
_BASE_DIR = Path(__file__).resolve().parent.parent

MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(_BASE_DIR / "media")))
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
# Uploaded product images: refused above this size (bytes) or this many pixels.
CATALOG_IMAGE_MAX_BYTES = env.int("CATALOG_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
CATALOG_IMAGE_MAX_PIXELS = env.int("CATALOG_IMAGE_MAX_PIXELS", default=40_000_000)

# Where the pages may load images from besides the portal itself (the CSP's img-src).
MEDIA_IMG_SRC: list[str] = []

if MEDIA_STORAGE == "s3":
    _bucket, _domain = env.str("MEDIA_S3_BUCKET"), env.str("MEDIA_S3_CUSTOM_DOMAIN", default="")
    _endpoint = env.str("MEDIA_S3_ENDPOINT_URL", default="")
    if _domain:
        MEDIA_IMG_SRC = [f"https://{_domain}"]
    elif _endpoint:
        MEDIA_IMG_SRC = ["https://" + _endpoint.split("://", 1)[-1].split("/", 1)[0]]
    else:
        MEDIA_IMG_SRC = [f"https://{_bucket}.s3.amazonaws.com"]
    _MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": _endpoint or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": _domain or None,
            "location": env.str("MEDIA_S3_PREFIX", default="media"),
            # Public images for the shop and Alexa's cards: plain HTTPS URLs, no signature.
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
            "url_protocol": "https:",
        },
    }
else:
    _MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": _MEDIA_BACKEND,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
