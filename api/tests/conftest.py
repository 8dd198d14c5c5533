import pytest
from rest_framework.test import APIClient

from accounts.tests.conftest import seed_reviews, seed_shelves  # noqa: F401  (shared data builders)
from core.tests.factories import UserFactory


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def reader(db):
    return UserFactory()


@pytest.fixture
def reader_api(reader):
    """A client authenticated with the reader's token, as an app would be."""
    from api.services import token_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=reader).key}")
    return client


@pytest.fixture
def other_api(db):
    from api.services import token_create

    client = APIClient()
    client.user = UserFactory()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=client.user).key}")
    return client
