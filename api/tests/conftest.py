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


def token_client(user) -> APIClient:
    """A client with a token of `user`'s, as an app that used it a moment ago would be (so the
    query counts do not include the first use's last-used write, once per 5 minutes)."""
    from django.utils import timezone

    from api.services import token_create

    token = token_create(user=user, name="teste")
    type(token).objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def reader_api(reader):
    """A client authenticated with the reader's token, as an app would be."""
    return token_client(reader)


@pytest.fixture
def other_api(db):
    user = UserFactory()
    client = token_client(user)
    client.user = user
    return client
