"""Hostile input, CSRF, other readers' objects, brute force, passwords and headers on every write."""

import pytest
from django.test import Client

from accounts.tests.factories import BookReviewFactory, ReadingProgressFactory
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from debates.models import DebatePost, DebateTopic
from debates.tests.factories import DebatePostFactory

pytestmark = pytest.mark.django_db
HOSTILE_TEXT = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "nul\x00byte",
    "A" * 200_000,
]
HOSTILE_NUMBERS = ["-1", "0", "99999999999999999999", "1e309", "abc", ""]


@pytest.fixture(autouse=True)
def no_limits(settings):
    settings.RATELIMITS = {name: "1000000/h" for name in settings.RATELIMITS}
    settings.DEBATES_POST_MIN_INTERVAL_SECONDS = 0


@pytest.fixture
def world():
    """A reader (the attacker), another reader's objects, and slugs/ids to aim at."""
    owner, attacker = UserFactory(), UserFactory()
    post = DebatePostFactory(author=owner)
    book = post.topic.book
    progress = ReadingProgressFactory(user=owner, book=book)
    review = BookReviewFactory(user=owner, book=book, rating=4)
    return {"owner": owner, "attacker": attacker, "post": post, "book": book, "progress": progress, "review": review}


def writes(w) -> dict[str, tuple[str, dict]]:
    """Every form endpoint: url and a valid body (hostile values are put into its fields)."""
    slug, topic = w["book"].slug, w["post"].topic.slug
    return {
        "topic_create": (f"/debates/novo/{slug}/", {"title": "Um título", "description": "d", "first_post": "p"}),
        "post_create": (f"/debates/{topic}/responder/", {"content": "olá", "parent": str(w["post"].pk)}),
        "post_vote": (f"/debates/mensagens/{w['post'].pk}/votar/", {"value": "1", "page": "1"}),
        "shelf_update": (f"/leitores/livro/{slug}/estante/", {"action": "add", "shelf_type": "custom",
                                                             "custom_name": "x"}),
        "progress_start": (f"/leitores/livro/{slug}/progresso/", {"total_pages": "100"}),
        "review_create": (f"/leitores/livro/{slug}/resenha/", {"rating": "4", "title": "t", "text": "x"}),
        "profile_settings": ("/leitores/configuracoes/perfil/", {"bio": "bio"}),
    }  # fmt: skip


OWNED = {  # url builder, body: objects of another reader
    "post_edit": (lambda w: f"/debates/mensagens/{w['post'].pk}/editar/", {"content": "tomado"}),
    "post_delete": (lambda w: f"/debates/mensagens/{w['post'].pk}/excluir/", {}),
    "progress_update": (lambda w: f"/leitores/progresso/{w['progress'].pk}/atualizar/", {"current_page": "10"}),
    "progress_abandon": (lambda w: f"/leitores/progresso/{w['progress'].pk}/abandonar/", {}),
    "review_edit": (lambda w: f"/leitores/resenhas/{w['review'].pk}/editar/", {"rating": "1", "text": "tomado"}),
    "review_delete": (lambda w: f"/leitores/resenhas/{w['review'].pk}/excluir/", {}),
    "topic_pin": (lambda w: f"/debates/{w['post'].topic.slug}/fixar/", {"value": "1"}),
    "topic_lock": (lambda w: f"/debates/{w['post'].topic.slug}/trancar/", {"value": "1"}),
}


def assert_clean_4xx(response, what: str) -> None:
    assert 400 <= response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code != 404:
        assert response.content.strip(), f"{what}: an empty {response.status_code}"


@pytest.mark.parametrize("name", ["topic_create", "post_create", "post_vote", "shelf_update", "progress_start",
                                  "review_create", "profile_settings"])  # fmt: skip
def test_every_write_refuses_a_post_without_csrf_token(world, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["attacker"])
    url, body = writes(world)[name]
    response = client.post(url, body)
    assert response.status_code == 403
    assert DebatePost.objects.count() == 1 and DebateTopic.objects.count() == 1


@pytest.mark.parametrize("name", sorted(OWNED))
def test_another_readers_objects_cannot_be_changed(client, world, name):
    client.force_login(world["attacker"])
    url, body = OWNED[name]
    response = client.post(url(world), body)
    assert response.status_code == 403, response.status_code
    world["post"].refresh_from_db()
    world["progress"].refresh_from_db()
    world["review"].refresh_from_db()
    assert world["post"].content != "tomado" and not world["post"].is_deleted
    assert not world["post"].topic.is_pinned and not world["post"].topic.is_locked
    assert world["progress"].current_page == 50 and world["review"].rating == 4


@pytest.mark.parametrize("name", ["topic_create", "post_create", "post_vote", "shelf_update", "progress_start",
                                  "review_create", "profile_settings"])  # fmt: skip
def test_hostile_values_in_every_field_get_a_4xx_or_are_stored_as_plain_text(client, world, name):
    client.force_login(world["attacker"])
    url, body = writes(world)[name]
    for field in set(body) - {"parent"}:  # parent: see the test below
        for value in HOSTILE_TEXT + HOSTILE_NUMBERS:
            response = client.post(url, {**body, field: value})
            assert response.status_code < 500, f"{name}.{field}={value[:20]!r}: {response.status_code}"
            if response.status_code >= 400:
                assert_clean_4xx(response, f"{name}.{field}")
    # Whatever was accepted comes back escaped on the pages that show it.
    for page in (world["post"].topic.get_absolute_url(), world["book"].get_absolute_url(),
                 f"/leitores/{world['attacker'].username}/"):  # fmt: skip
        html = client.get(page).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html


def test_a_hostile_parent_id_in_a_reply_gets_a_4xx(client, world):
    client.force_login(world["attacker"])
    url, body = writes(world)["post_create"]
    for value in ['<script>alert("x")</script>', "-1", "99999999999999999999"]:
        assert_clean_4xx(client.post(url, {**body, "parent": value}), f"parent={value}")


def test_invalid_utf8_and_huge_bodies_never_fail_with_500(client, world):
    client.force_login(world["attacker"])
    url, _body = writes(world)["post_create"]
    invalid = client.post(url, b"content=%FF%FE%FD", content_type="application/x-www-form-urlencoded")
    huge = client.post(url, {"content": "x" * 3_000_000})
    assert invalid.status_code < 500 and huge.status_code < 500
    assert huge.status_code == 400


@pytest.mark.parametrize(
    "url",
    ["/livros/nao-existe/", "/debates/nao-existe/", "/leitores/ninguem-aqui/", "/debates/mensagens/999999/editar/",
     "/leitores/resenhas/999999/editar/", "/debates/novo/nao-existe/", "/leitores/progresso/999999/atualizar/"],
)  # fmt: skip
def test_unknown_ids_and_slugs_answer_4xx(client, world, url):
    client.force_login(world["attacker"])
    response = client.get(url) if "atualizar" not in url else client.post(url, {"current_page": "1"})
    assert_clean_4xx(response, url)


# A NUL byte anywhere in a query is a 400 before any view (core/tests/test_bad_input.py).
@pytest.mark.parametrize("url", ["/debates/?pagina=-3", "/debates/?page=99999999999999999999", "/livros/?pagina=²"])
def test_bad_page_numbers_get_a_page(client, world, url):
    # The pagination policy (core.pagination): page 1 or the last page, never an error.
    assert client.get(url).status_code == 200


def test_login_is_locked_after_repeated_failures_even_with_the_right_password(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key"}
    UserFactory(username="vitima")
    for _ in range(5):
        client.post("/conta/login/", {"login": "vitima", "password": "errada"})
    response = client.post("/conta/login/", {"login": "vitima", "password": "senha-forte-123"})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
    assert "tentativas" in response.content.decode().lower()


@pytest.mark.parametrize("password", ["12345678", "senha", "leitora-nova", "password123"])
def test_sign_up_refuses_weak_passwords(client, password, django_user_model):
    body = {"email": "nova@example.com", "username": "leitora-nova", "password1": password, "password2": password}
    response = client.post("/conta/signup/", body)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not django_user_model.objects.filter(username="leitora-nova").exists()


def test_pages_carry_the_security_headers(client):
    BookFactory()
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "csrftoken" not in response.cookies or response.cookies["csrftoken"]["samesite"] == "Lax"


def test_the_audit_fails_loudly_when_its_vulnerability_service_is_unreachable():
    import os
    import subprocess

    from reliability.stack import ROOT, free_port

    env = {**os.environ, "https_proxy": f"http://127.0.0.1:{free_port()}", "HTTPS_PROXY": ""}  # nothing listens
    env["HTTPS_PROXY"] = env["https_proxy"]
    result = subprocess.run(["bash", "scripts/audit.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 3
    assert "NOT audited" in result.stderr


def test_pages_carry_an_enforced_content_security_policy(client):
    BookFactory()
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
