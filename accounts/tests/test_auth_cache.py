"""The signed-in user of a request comes from the cache (accounts.backends), and any change
to the user row counts on the very next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tests.clients import signed_in
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/debates/"


def test_a_signed_in_request_loads_its_user_without_a_query():
    client = signed_in(UserFactory())
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    assert not [q for q in queries.captured_queries if 'FROM "auth_user"' in q["sql"]]


def test_a_suspended_reader_is_signed_out_on_the_next_request(django_capture_on_commit_callbacks):
    user = UserFactory()
    client = signed_in(user)
    assert client.get("/notificacoes/").status_code == 200
    user.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        user.save()
    assert client.get("/notificacoes/").status_code == 302  # to the login page


def test_a_password_change_signs_out_other_sessions(django_capture_on_commit_callbacks):
    user = UserFactory()
    client = signed_in(user)
    assert client.get("/notificacoes/").status_code == 200
    user.set_password("uma-senha-nova-e-longa")
    with django_capture_on_commit_callbacks(execute=True):
        user.save()
    assert client.get("/notificacoes/").status_code == 302


def test_a_new_username_shows_on_the_next_page(django_capture_on_commit_callbacks):
    user = UserFactory(username="antigo")
    client = signed_in(user)
    client.get(URL)
    user.username = "novo_nome"
    with django_capture_on_commit_callbacks(execute=True):
        user.save()
    assert 'href="/leitores/novo_nome/"' in client.get(URL).content.decode()
