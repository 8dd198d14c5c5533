"""Hostile input answered at the root: strict ids, local `next` only, NUL bytes and overlong
queries refused, every 429 with Retry-After, bounded JSON nesting, bounded login names."""

import pytest
from django.test import RequestFactory

from accounts.models import BookShelf
from api.parsers import json_depth
from catalog.tests.factories import BookFactory
from core.http import next_url, parse_id
from core.tests.factories import UserFactory


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 7 ", 7), (12, 12), ("²", None), ("١٢", None), ("0", None), ("-1", None), ("1e3", None),
     ("99999999999999999999", None), ("", None), (None, None), ("1_000", None)],
)  # fmt: skip
def test_parse_id_takes_ascii_digits_only(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("target", ["-1", "0", "abc", "1e309", "//evil.example/", "https://evil.example/", "/\\evil"])
def test_next_url_follows_only_local_paths(target):
    request = RequestFactory().post("/", {"next": target})
    assert next_url(request, "/padrao/") == "/padrao/"
    assert next_url(RequestFactory().get("/", {"next": "/livros/?page=2"}), "/padrao/") == "/livros/?page=2"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["-1", "abc", "1e309", "https://evil.example/"])
def test_a_shelf_form_with_a_foreign_next_goes_back_to_the_book(auth_client, target):
    book = BookFactory()
    response = auth_client.post(
        f"/leitores/livro/{book.slug}/estante/", {"action": "add", "shelf_type": "read", "next": target}
    )
    assert response.status_code == 302 and response["Location"] == book.get_absolute_url()
    assert BookShelf.objects.filter(book=book, shelf_type="read").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/leitores/%00/", "/livros/?q=%00", "/debates/?livro=a%00b", "/biblioteca/%00/ano/2026/"]
)
def test_a_nul_byte_in_the_path_or_query_is_a_400_page(auth_client, url):
    response = auth_client.get(url)
    assert response.status_code == 400
    assert "caractere inválido" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_byte_in_a_form_field_or_an_api_query_is_a_400(auth_client):
    book = BookFactory()
    response = auth_client.post(f"/leitores/livro/{book.slug}/estante/", {"action": "add", "shelf_type": "x\x00"})
    assert response.status_code == 400 and not BookShelf.objects.exists()
    response = auth_client.get("/api/v1/books/?search=%00")
    assert response.status_code == 400 and response.json()["status"] == 400


@pytest.mark.django_db
def test_a_query_string_longer_than_any_link_is_a_414(client):
    assert client.get("/livros/", {"q": "x" * 9000}).status_code == 414
    assert client.get("/livros/", {"q": "x" * 100}).status_code == 200


@pytest.mark.django_db
def test_allauths_own_limit_is_a_429_page_with_retry_after(auth_client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"manage_email": "2/m/user"}
    statuses = [
        auth_client.post("/conta/email/", {"action_add": "", "email": f"novo{n}@example.com"}).status_code
        for n in range(3)
    ]
    response = auth_client.post("/conta/email/", {"action_add": "", "email": "outro@example.com"})
    assert statuses[:2] != [429, 429] and response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Calma, leitor!" in response.content.decode()


@pytest.mark.django_db
def test_any_429_without_retry_after_gets_one(client, settings):
    from django.http import HttpResponse

    from core.middleware import ErrorResponseMiddleware

    response = ErrorResponseMiddleware(lambda request: HttpResponse(status=429))(RequestFactory().get("/"))
    assert response["Retry-After"] == "60"


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, '{"a":' * 50 + "1" + "}" * 50])
def test_deeply_nested_json_is_a_400_in_json(auth_client, body):
    response = auth_client.post("/api/v1/me/shelves/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json" and "aninhado" in response.json()["error"]


def test_json_depth_is_counted_without_recursion():
    assert json_depth(1) == 0 and json_depth([]) == 1 and json_depth({"a": [1, {"b": 2}]}) == 3
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert json_depth(deep) == 100_001


@pytest.mark.django_db
def test_a_2_mb_login_name_is_a_failed_login_not_an_error(client):
    UserFactory(username="leitora")
    response = client.post("/conta/login/", {"login": "x" * 2_000_000, "password": "qualquer"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize("cursor", ["².1", "1.²", "1", ".", "-1.5", "1.99999999999999999999"])
def test_a_hostile_feed_cursor_is_a_validation_error(cursor):
    from django.core.exceptions import ValidationError

    from social.selectors import parse_cursor

    assert parse_cursor("1700000000000.42") == (1700000000000, 42)
    with pytest.raises(ValidationError):
        parse_cursor(cursor)
