"""A reader's whole journey in a real browser, with screenshots, console and accessibility checks."""

from pathlib import Path

import pytest

from accounts.models import BookReview, BookShelf, ReadingProgress
from catalog.tests.factories import BookFactory
from debates.models import DebatePost, DebateTopic, DebateVote
from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from e2e.browser import chromium_page

A11Y = (Path(__file__).parent / "a11y.js").read_text()
PASSWORD = "Estante-de-carvalho-42"


@pytest.fixture
def catalog(transactional_db):
    """Books to find, and another reader's debate to vote in (created before the browser starts)."""
    book = BookFactory(title="Dom Casmurro", slug="dom-casmurro", pages=256)
    for title in ("Memórias Póstumas de Brás Cubas", "Quincas Borba", "O Cortiço"):
        BookFactory(title=title, ratings_count=10)
    post = DebatePostFactory(
        topic=DebateTopicFactory(book=book, title="Capitu traiu Bentinho?", slug="capitu-traiu-bentinho"),
        content="Eu acho que não: o narrador não é confiável.",
    )
    return book, post


def test_a_reader_signs_up_reads_reviews_debates_and_logs_out(live_server, catalog, artifacts, settings):
    # The journey posts twice within seconds, as a person replying quickly would; flood
    # control has its own tests (debates/tests).
    settings.DEBATES_POST_MIN_INTERVAL_SECONDS = 0
    book, other_post = catalog
    topic_url = other_post.topic.get_absolute_url()
    problems: dict[str, list[str]] = {}
    with chromium_page() as (page, console_errors):
        journey(page, live_server.url, book.get_absolute_url(), topic_url, other_post.pk, artifacts, problems)

    # A browser asks for /favicon.ico by itself; the site has none yet (a 404, not a page error).
    assert [error for error in console_errors if "favicon" not in error] == []
    assert problems == {}

    # What the browser did is stored, exactly once, and the HTML was stored as typed (escaped on output).
    assert BookShelf.objects.get(user__username="marina", book=book).shelf_type == BookShelf.ShelfType.READING
    assert ReadingProgress.objects.get(user__username="marina", book=book).current_page == 120
    assert BookReview.objects.get(user__username="marina", book=book).title == "Ciúme <b>sem</b> provas"
    topic = DebateTopic.objects.get(creator__username="marina")
    assert DebatePost.objects.filter(topic=topic).count() == 3
    assert DebateTopic.objects.get(pk=topic.pk).posts_count == 3
    assert DebateVote.objects.get(post=other_post, user__username="marina").value == 1


def journey(page, base: str, book_url: str, topic_url: str, post_pk: int, artifacts: Path, problems: dict) -> None:
    shots = 0

    def checkpoint(name: str) -> None:
        nonlocal shots
        shots += 1
        page.wait_for_load_state("load")
        page.screenshot(path=str(artifacts / f"{shots:02d}-{name}.png"), full_page=True)
        found = page.evaluate(A11Y)
        if found:
            problems[name] = found

    page.goto(base + "/")
    checkpoint("home-anonymous")

    page.get_by_role("link", name="Criar conta").click()
    page.fill("input[name=email]", "marina@example.com")
    page.fill("input[name=username]", "marina")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    checkpoint("signup")
    page.locator("form.auth-form button[type=submit]").click()
    page.wait_for_url("**/recomendacoes/comecar/")  # a new reader is asked what they like
    page.get_by_role("link", name="Agora não").click()
    page.wait_for_url(base + "/")
    assert page.locator(".nav-user").get_by_role("link", name="marina").is_visible()

    page.fill("#nav-q", "casmurro")
    page.locator(".nav-search button").click()
    page.wait_for_url("**/livros/?q=casmurro")
    checkpoint("search")
    page.locator(".book-card-link", has_text="Dom Casmurro").click()
    page.wait_for_url(f"**{book_url}")

    shelf = page.locator("#minha-estante")
    shelf.get_by_role("button", name="Lendo").click()  # htmx swaps the panel in place
    shelf.get_by_role("button", name="✓ Lendo").wait_for()
    # Shelving as "Lendo" starts the reading progress at page 0.
    shelf.get_by_label("Página atual").fill("120")
    shelf.get_by_role("button", name="Salvar progresso").click()
    shelf.get_by_text("Página 120 de 256").wait_for()
    checkpoint("book-reading")

    shelf.get_by_text("Avaliar este livro").click()  # the form opens on demand
    shelf.locator("label", has_text="4,5 de 5 estrelas").click()  # a half star; none is picked before
    shelf.locator("#id_review_title").fill("Ciúme <b>sem</b> provas")
    shelf.locator("#id_review_text").fill("Machado conduz o leitor <script>alert(1)</script> pela dúvida.")
    shelf.get_by_role("button", name="Publicar avaliação").click()
    page.locator("#minha-estante strong", has_text="Ciúme <b>sem</b> provas").wait_for()  # escaped, shown as text
    checkpoint("book-reviewed")

    page.get_by_role("link", name="Criar um debate").click()
    page.get_by_label("Título").fill("Bentinho é um narrador confiável?")
    page.get_by_label("Descrição").fill("Vamos discutir o narrador.")
    page.get_by_label("Primeira mensagem").fill("Começo dizendo que desconfio dele.")
    checkpoint("topic-form")
    page.get_by_role("button", name="Criar debate").click()
    page.get_by_role("heading", level=1, name="Bentinho é um narrador confiável?").wait_for()

    page.locator("#id_content").fill("Segunda mensagem: o capítulo do ciúme é decisivo.")
    page.get_by_role("button", name="Publicar").click()
    page.get_by_text("Segunda mensagem: o capítulo do ciúme é decisivo.").wait_for()
    page.locator("article.post").first.get_by_role("link", name="Responder").click()
    page.locator("#id_content").fill("Respondendo a mim mesma: releia o capítulo 62.")
    checkpoint("reply-form")
    page.get_by_role("button", name="Publicar").click()
    page.locator("article.post.depth-1", has_text="capítulo 62").wait_for()
    checkpoint("topic")

    page.goto(base + topic_url)
    vote = page.locator(f"#vote-{post_pk}")
    vote.get_by_role("button", name="Votar a favor").click()  # htmx
    vote = page.locator(f"#vote-{post_pk}")
    vote.locator(".vote-up[aria-pressed=true]").wait_for()
    assert vote.locator(".score").inner_text() == "1"
    checkpoint("voted")

    page.goto(base + "/")
    checkpoint("home-reader")
    recommendations = page.get_by_role("heading", name="Recomendados para você")
    assert recommendations.is_visible(), "the recommendation block is missing from the reader's home page"

    page.locator(".nav-user").get_by_role("button", name="Sair").click()
    page.locator(".nav-user").get_by_role("link", name="Entrar").wait_for()
    checkpoint("logged-out")
