"""Privacy and reporting in a real browser: a reader hides a shelf, shares an unlisted
review by its link, and another reader reports that review."""

import re
from pathlib import Path

import pytest

from accounts.models import BookReview, ShelfVisibility
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from e2e.browser import chromium_page
from moderation.models import ReviewReport

A11Y = (Path(__file__).parent / "a11y.js").read_text()
PASSWORD = "Estante-de-carvalho-42"


@pytest.fixture
def readers(transactional_db):
    book = BookFactory(title="Grande Sertão: Veredas", slug="grande-sertao-veredas", pages=624)
    for username in ("marina", "joao"):
        UserFactory(username=username, email=f"{username}@example.com", password=PASSWORD)
    return book


def test_a_private_shelf_and_an_unlisted_review_in_the_browser(live_server, readers, artifacts):
    book_url = live_server.url + readers.get_absolute_url()
    problems: dict[str, list[str]] = {}
    with chromium_page() as (page, console_errors):
        share_link = owner_hides_and_shares(page, live_server.url, book_url, artifacts, problems)
        anonymous_sees_only_the_link(page, live_server.url, book_url, share_link)
        another_reader_reports(page, live_server.url, share_link, artifacts, problems)

    # The token-less review URL is a 404 on purpose (see anonymous_sees_only_the_link).
    expected = share_link.split("?")[0]
    assert [error for error in console_errors if "favicon" not in error and not error.startswith(expected)] == []
    assert problems == {}
    assert ShelfVisibility.objects.get(user__username="marina", shelf_type="reading").visibility == "private"
    review = BookReview.objects.get(user__username="marina")
    assert review.visibility == "unlisted"
    assert ReviewReport.objects.get(review=review).reporter.username == "joao"


def checkpoint(page, artifacts: Path, problems: dict, name: str) -> None:
    page.wait_for_load_state("load")
    page.screenshot(path=str(artifacts / f"privacy-{name}.png"), full_page=True)
    found = page.evaluate(A11Y)
    if found:
        problems[name] = found


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/conta/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.auth-form button[type=submit]").click()
    page.locator(".nav-user").get_by_role("link", name=username).wait_for()


def log_out(page) -> None:
    page.locator(".nav-user").get_by_role("button", name="Sair").click()
    page.locator(".nav-user").get_by_role("link", name="Entrar").wait_for()


def owner_hides_and_shares(page, base: str, book_url: str, artifacts: Path, problems: dict) -> str:
    log_in(page, base, "marina")
    page.goto(book_url)
    shelf = page.locator("#minha-estante")
    shelf.get_by_role("button", name="Lendo").click()
    shelf.get_by_role("button", name="✓ Lendo").wait_for()
    shelf.get_by_text("Avaliar este livro").click()
    shelf.locator("label", has_text=re.compile("^5 de 5 estrelas$")).click()
    shelf.locator("#id_review_text").fill("Uma travessia que só quero mostrar a quem eu escolher.")
    shelf.locator("#id_review_visibility").select_option("unlisted")
    shelf.get_by_role("button", name="Publicar avaliação").click()
    shelf.get_by_role("link", name="Página da resenha").click()
    share = page.get_by_label("Link para compartilhar")
    share.wait_for()
    checkpoint(page, artifacts, problems, "review-owner")
    link = share.input_value()

    page.goto(base + "/leitores/marina/estantes/?estante=reading")
    page.get_by_label("Quem vê “Lendo”").select_option("private")
    page.get_by_role("button", name="Salvar").click()
    page.get_by_text("Visibilidade da estante salva.").wait_for()
    checkpoint(page, artifacts, problems, "shelf-private")
    log_out(page)
    return link


def anonymous_sees_only_the_link(page, base: str, book_url: str, share_link: str) -> None:
    page.goto(base + "/leitores/marina/")
    assert "Grande Sertão" not in page.locator("main").inner_text()
    page.goto(book_url)
    assert "Uma travessia" not in page.locator("main").inner_text()
    response = page.goto(share_link.split("?")[0])
    assert response.status == 404
    page.goto(share_link)
    page.get_by_text("Uma travessia que só quero mostrar").wait_for()


def another_reader_reports(page, base: str, share_link: str, artifacts: Path, problems: dict) -> None:
    log_in(page, base, "joao")
    page.goto(share_link)
    page.get_by_role("link", name="Denunciar").click()
    page.get_by_label("Spoiler sem aviso").check()
    checkpoint(page, artifacts, problems, "report-form")
    page.get_by_role("button", name="Enviar denúncia").click()
    page.get_by_text("Denúncia enviada.").wait_for()
