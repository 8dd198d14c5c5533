"""A new reader's first five minutes, at 1280 px and 390 px: sign up → onboarding → a home with
personal recommendations → search with a typo → book page → shelve, rate, review → dashboard.
Every page visited passes the accessibility checks, has no horizontal scroll and 44 px main
actions; screenshots land in test-artifacts/e2e/first-minutes/."""

import re
from pathlib import Path

import pytest

from accounts.models import BookReview, BookShelf
from catalog.tests.factories import AuthorFactory, BookFactory, CategoryFactory
from e2e.browser import chromium_page

HERE = Path(__file__).parent
CHECKS = (HERE / "a11y.js").read_text(), (HERE / "touch.js").read_text()
PASSWORD = "Estante-de-carvalho-42"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def classics(transactional_db):
    """Machado de Assis and a few others, in two genres (created before the browser starts)."""
    machado = AuthorFactory(name="Machado de Assis")
    classics, horror = CategoryFactory(name="Clássicos"), CategoryFactory(name="Terror")
    books = [
        BookFactory(title="Memórias Póstumas de Brás Cubas", authors=[machado], ratings_count=900),
        BookFactory(title="Dom Casmurro", slug="dom-casmurro", authors=[machado], pages=256, ratings_count=800),
        BookFactory(title="Quincas Borba", authors=[machado], ratings_count=100),
        BookFactory(title="O Cortiço", ratings_count=700),
    ]
    for book in books:
        book.categories.add(classics)
    BookFactory(title="O Iluminado", ratings_count=600).categories.add(horror)
    return books


def test_a_new_readers_first_five_minutes_at_both_widths(live_server, classics, artifacts):
    folder = artifacts / "first-minutes"
    folder.mkdir(exist_ok=True)
    problems: dict[str, list[str]] = {}
    for device, (width, height) in WIDTHS.items():
        with chromium_page() as (page, console_errors):
            page.set_viewport_size({"width": width, "height": height})
            first_minutes(page, live_server.url, device, folder, problems)
        assert [e for e in console_errors if "favicon" not in e] == [], device
    assert problems == {}

    for device in WIDTHS:
        review = BookReview.objects.get(user__username=f"nova-{device}", book__slug="dom-casmurro")
        assert review.rating == 4.5 and review.would_recommend is False  # nothing was pre-ticked
        shelves = set(BookShelf.objects.filter(user__username=f"nova-{device}").values_list("shelf_type", flat=True))
        assert shelves == {BookShelf.ShelfType.READ, BookShelf.ShelfType.FAVORITES}


def first_minutes(page, base: str, device: str, folder: Path, problems: dict) -> None:
    phone = device == "phone"

    def checkpoint(name: str) -> None:
        page.wait_for_load_state("load")
        page.screenshot(path=str(folder / f"{device}-{name}.png"), full_page=True)
        found = [problem for check in CHECKS for problem in page.evaluate(check)]
        if found:
            problems[f"{device}/{name}"] = found

    def open_menu() -> None:
        if phone:
            page.locator(".nav-menu > summary").click()

    page.goto(base + "/")
    checkpoint("01-home-visitor")
    open_menu()
    page.get_by_role("link", name="Criar conta").click()
    page.fill("input[name=email]", f"nova-{device}@example.com")
    page.fill("input[name=username]", f"nova-{device}")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form.auth-form button[type=submit]").click()

    page.wait_for_url("**/recomendacoes/comecar/")
    page.get_by_label("Clássicos").check()
    page.get_by_label(re.compile("Memórias Póstumas")).check()
    checkpoint("02-onboarding")
    page.get_by_role("button", name="Ver minhas recomendações").click()

    page.wait_for_url(base + "/")
    recommendations = page.locator(".recommendations-for-you")
    recommendations.get_by_text("parecido com Memórias Póstumas de Brás Cubas").first.wait_for()
    # Personal picks first (the same author), not the popularity list.
    assert recommendations.locator(".recommendation-reason").first.inner_text().startswith("parecido com")
    checkpoint("03-home-personal")

    page.fill("#nav-q", "dom casmuro")  # a typo
    page.locator(".nav-search button").click()
    page.wait_for_url("**/livros/?q=dom+casmuro")
    checkpoint("04-search-typo")
    page.locator(".book-card-link", has_text="Dom Casmurro").click()
    page.wait_for_url("**/livros/dom-casmurro/")

    shelf = page.locator("#minha-estante")
    read_button = shelf.get_by_role("button", name="Lidos")
    box = read_button.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"], "the shelf buttons are below the fold"
    checkpoint("05-book")
    read_button.click()  # htmx swaps the panel; the review form opens by itself for a read book
    shelf.get_by_role("button", name="✓ Lidos").wait_for()
    assert shelf.locator("details.review-box").get_attribute("open") is not None
    shelf.get_by_role("button", name="Publicar avaliação").click()  # no star picked: the browser refuses
    assert not shelf.locator("strong", has_text="Capitu").count()
    shelf.locator("label", has_text="4,5 de 5 estrelas").click()
    shelf.locator("#id_review_title").fill("Capitu e a dúvida")
    shelf.locator("#id_review_text").fill("Um narrador em quem não se pode confiar.")
    checkpoint("06-book-review-form")
    shelf.get_by_role("button", name="Publicar avaliação").click()
    page.locator("#minha-estante strong", has_text="Capitu e a dúvida").wait_for()
    checkpoint("07-book-reviewed")
    if device == "desktop":  # the README's picture (docs/img/book-page.png)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(folder / "readme-book-page.png"))

    open_menu()
    page.locator(".nav-links").get_by_role("link", name=f"nova-{device}").wait_for()
    page.goto(base + "/")
    page.get_by_role("heading", level=1, name=f"Olá, nova-{device}").wait_for()
    checkpoint("08-home-dashboard")
