import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Passwords and voice codes are hashed many times here; the slow hasher proves nothing
    these tests check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
