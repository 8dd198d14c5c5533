import pytest

from core.tests.factories import UserFactory


@pytest.fixture
def reader(db):
    return UserFactory(username="leitora")


@pytest.fixture
def friend(db):
    return UserFactory(username="amigo")


@pytest.fixture
def stranger(db):
    return UserFactory(username="estranho")
