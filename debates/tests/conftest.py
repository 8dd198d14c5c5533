import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Factories hash a password per user; the production hasher makes big fixtures crawl.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
