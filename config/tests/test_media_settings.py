"""Media storage by settings (config/media_settings.py): local files by default; an
S3-compatible bucket through django-storages with MEDIA_STORAGE=s3, giving plain HTTPS
addresses (no signature) that Alexa's cards and the shop link to."""

import importlib

import pytest
from storages.backends.s3 import S3Storage

import config.media_settings


@pytest.fixture
def reload_with(monkeypatch):
    def reload(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(config.media_settings)

    yield reload
    monkeypatch.undo()
    importlib.reload(config.media_settings)


def test_local_files_by_default(reload_with, monkeypatch):
    monkeypatch.delenv("MEDIA_STORAGE", raising=False)
    media = reload_with()
    assert media.STORAGES["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert (media.MEDIA_URL, media.MEDIA_IMG_SRC) == ("/media/", [])


def test_an_s3_compatible_bucket_by_settings(reload_with):
    media = reload_with(
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET="shop-images",
        MEDIA_S3_ENDPOINT_URL="https://objects.example.com",
        MEDIA_S3_REGION="eu-central-1",
        MEDIA_S3_ACCESS_KEY_ID="key",
        MEDIA_S3_SECRET_ACCESS_KEY="secret",
    )
    backend = media.STORAGES["default"]
    assert backend["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media.MEDIA_IMG_SRC == ["https://objects.example.com"]
    storage = S3Storage(**backend["OPTIONS"])
    url = storage.url("products/1/2-ab-card-small.jpg")
    assert url == "https://objects.example.com/shop-images/media/products/1/2-ab-card-small.jpg"


def test_a_custom_domain_in_front_of_the_bucket(reload_with):
    media = reload_with(
        MEDIA_STORAGE="s3", MEDIA_S3_BUCKET="shop-images", MEDIA_S3_CUSTOM_DOMAIN="img.example.com"
    )
    storage = S3Storage(**media.STORAGES["default"]["OPTIONS"])
    assert storage.url("products/x.jpg") == "https://img.example.com/media/products/x.jpg"
    assert media.MEDIA_IMG_SRC == ["https://img.example.com"]
