"""API tokens: hashed, named, expiring, listed and revoked by their reader, revoked by a new
password, minted only with the password (re-authentication on the site)."""

import hashlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "senha-forte-123"
V1 = "/api/v1"
SHELVES = f"{V1}/me/shelves/"
TOKENS = f"{V1}/me/tokens/"


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_only_a_digest_and_a_short_prefix_are_stored(reader):
    token = services.token_create(user=reader, name="Meu Kindle")
    row = ApiToken.objects.values().get(pk=token.pk)
    assert token.key not in str(row.values())
    assert row["digest"] == hashlib.sha256(token.key.encode()).hexdigest() and token.key.startswith(row["prefix"])
    assert row["name"] == "Meu Kindle" and len(row["prefix"]) == 12
    assert timedelta(days=89) < row["expires_at"] - timezone.now() <= timedelta(days=90)
    assert client_with(token.key).get(SHELVES).status_code == 200


def test_expired_and_unknown_tokens_are_refused_and_use_is_recorded(reader):
    token = services.token_create(user=reader, name="app", expires_in_days=1)
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
    assert client_with(token.key).get(SHELVES).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client_with(token.key).get(SHELVES).status_code == 401
    assert client_with("cgb_nao-existe").get(SHELVES).status_code == 401


def test_reader_lists_and_revokes_tokens_through_the_api(reader):
    first = services.token_create(user=reader, name="um")
    second = services.token_create(user=reader, name="dois")
    stranger = services.token_create(user=UserFactory(), name="alheio")
    api = client_with(first.key)
    listed = api.get(TOKENS).json()
    assert [row["name"] for row in listed] == ["dois", "um"] and all("key" not in row for row in listed)
    assert api.delete(f"{TOKENS}{stranger.pk}/").status_code == 404
    assert api.delete(f"{TOKENS}{second.pk}/").status_code == 204
    assert client_with(second.key).get(SHELVES).status_code == 401
    assert client_with(stranger.key).get(SHELVES).status_code == 200


def test_minting_through_the_api_needs_the_password_and_is_rate_limited(reader, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "token_create": "3/h"}
    api = APIClient()
    api.force_login(reader)
    missing = api.post(TOKENS, {"name": "app"}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()["fields"]
    wrong = api.post(TOKENS, {"name": "app", "password": "errada"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["fields"]["password"] == ["Senha incorreta."]
    created = api.post(TOKENS, {"name": "app", "password": PASSWORD, "expires_in_days": 7}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "app" and body["key"].startswith(body["prefix"])
    assert client_with(body["key"]).get(SHELVES).status_code == 200
    limited = api.post(TOKENS, {"name": "app", "password": PASSWORD}, format="json")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert ApiToken.objects.filter(user=reader).count() == 1


@pytest.mark.parametrize("days", [0, 366])
def test_validity_is_one_day_to_a_year(reader, days):
    api = APIClient()
    api.force_login(reader)
    response = api.post(TOKENS, {"name": "app", "password": PASSWORD, "expires_in_days": days}, format="json")
    assert response.status_code == 400 and "expires_in_days" in response.json()["fields"]


def test_a_new_password_revokes_every_token(client, reader):
    keys = [services.token_create(user=reader, name=f"app{n}").key for n in range(2)]
    other = services.token_create(user=UserFactory(), name="alheio")
    reader.last_login = timezone.now()
    reader.save()  # an ordinary save keeps them
    assert client_with(keys[0]).get(SHELVES).status_code == 200
    client.force_login(reader)
    new = "Outra-Senha-2026!"
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    assert all(client_with(key).get(SHELVES).status_code == 401 for key in keys)
    assert client_with(other.key).get(SHELVES).status_code == 200


def test_a_password_reset_revokes_every_token(reader):
    key = services.token_create(user=reader, name="app").key
    reader.set_password("Redefinida-2026!")
    reader.save()
    assert client_with(key).get(SHELVES).status_code == 401


def test_settings_page_mints_only_after_reauthentication(client, reader):
    client.force_login(reader)
    create = reverse("api:token_create")
    response = client.post(create, {"name": "Planilha", "expires_in_days": "30"})
    assert response.status_code == 302 and reverse("account_reauthenticate") in response["Location"]
    assert not ApiToken.objects.filter(user=reader).exists()
    # allauth asks for the password, then replays the suspended form.
    response = client.post(response["Location"], {"password": PASSWORD})
    token = ApiToken.objects.get(user=reader)
    assert response.status_code == 201 and token.name == "Planilha"
    html = response.content.decode()
    key = html.split('id="token-key" type="text" value="')[1].split('"')[0]
    assert key.startswith(token.prefix) and client_with(key).get(SHELVES).status_code == 200
    assert 29 <= (token.expires_at - timezone.now()).days <= 30
    page = client.get(reverse("api:tokens")).content.decode()
    assert "Planilha" in page and token.prefix in page and key not in page


def test_a_token_name_is_as_long_as_the_model_allows_on_the_page_and_in_the_api(client, reader):
    limit = ApiToken._meta.get_field("name").max_length
    client.force_login(reader)
    assert f'name="name" type="text" maxlength="{limit}"' in client.get(reverse("api:tokens")).content.decode()
    api = APIClient()
    api.force_authenticate(reader)
    too_long = api.post(TOKENS, {"name": "x" * (limit + 1), "password": PASSWORD}, format="json")
    assert too_long.status_code == 400 and not ApiToken.objects.filter(user=reader).exists()
    assert api.post(TOKENS, {"name": "x" * limit, "password": PASSWORD}, format="json").status_code == 201


def test_settings_page_revokes_one_token(client, reader):
    keep = services.token_create(user=reader, name="fica")
    drop = services.token_create(user=reader, name="sai")
    client.force_login(reader)
    assert client.post(reverse("api:token_revoke", args=[drop.pk])).status_code == 302
    assert list(ApiToken.objects.filter(user=reader).values_list("pk", flat=True)) == [keep.pk]
    assert client.get(reverse("api:token_revoke", args=[keep.pk])).status_code == 405


def test_old_plain_tokens_are_hashed_by_the_migration_and_keep_working(reader):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("api.migrations.0002_hash_drf_tokens")
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        # DRF authtoken's table as it stood (portable SQL: SQLite installs upgrade too).
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, created timestamp)")
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, reader.pk, timezone.now()])
    # The function needs only these two of a schema editor (SQLite's refuses to open in a test's transaction).
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    migration.hash_old_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=reader)
    assert token.name == "Token anterior" and token.prefix == old_key[:8] and old_key not in token.digest
    assert client_with(old_key).get(SHELVES).status_code == 200


@pytest.mark.parametrize("days", ["abc", "²", "0", "99999999999999999999"])
def test_settings_page_refuses_a_bad_validity_with_a_message(client, reader, days):
    client.force_login(reader)
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    response = client.post(reverse("api:token_create"), {"name": "app", "expires_in_days": days})
    assert response.status_code == 422 and "A validade vai de 1 a 365 dias." in response.content.decode()
    assert not ApiToken.objects.filter(user=reader).exists()
