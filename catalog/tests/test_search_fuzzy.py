"""Forgiving search: typos (pg_trgm / difflib), Portuguese titles, authors, empty results."""

from pathlib import Path

import pytest
from django.db import connection

from catalog import search, selectors
from catalog.importer import goodbooks_import
from catalog.tests.factories import AuthorFactory, BookFactory

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def titles(books):
    return [book.title for book in books]


@pytest.fixture
def sample_catalog():
    """The bundled sample (500 real goodbooks books): the titles readers actually search."""
    goodbooks_import(directory=SAMPLE)


@pytest.fixture
def sqlite_search(monkeypatch):
    """The embedded default's code path (SQLite has no pg_trgm) on the same rows."""
    monkeypatch.setattr(connection, "vendor", "sqlite")


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_typos_find_harry_potter_in_the_sample(client, sample_catalog, monkeypatch, backend):
    if backend == "sqlite":
        monkeypatch.setattr(connection, "vendor", "sqlite")
    response = client.get("/livros/?q=hary+poter")
    html = response.content.decode()
    found = titles(response.context["fallback"]["books"])
    assert found and all("Harry Potter" in title for title in found[:7]), found[:8]
    assert response.context["fallback"]["suggestion"] == "harry potter"
    assert "Você quis dizer" in html and "?q=harry%20potter" in html


def test_senhor_dos_aneis_finds_the_lord_of_the_rings(client, sample_catalog):
    response = client.get("/livros/?q=senhor+dos+aneis")
    found = titles(response.context["fallback"]["books"])
    assert "The Fellowship of the Ring (The Lord of the Rings, #1)" in found
    assert all("Lord of the Rings" in title for title in found), found
    assert "mostrando o título original" in response.content.decode()


def test_an_exact_search_needs_no_fallback(client, sample_catalog):
    response = client.get("/livros/?q=harry+potter")
    assert response.context["page_obj"].paginator.count >= 7
    assert "fallback" not in response.context


def test_authors_are_searched_too_typos_forgiven():
    tolkien = AuthorFactory(name="J.R.R. Tolkien")
    AuthorFactory(name="Harry Harrison")
    assert selectors.authors_matching(q="tolkein") == [tolkien]
    assert selectors.authors_matching(q="harry potter") == []


def test_authors_show_on_the_results_page(client):
    saramago = AuthorFactory(name="José Saramago")
    BookFactory(title="Ensaio sobre a cegueira", authors=[saramago])
    html = client.get("/livros/?q=saramago").content.decode()
    assert saramago.get_absolute_url() in html


def test_authors_fall_back_to_icontains_off_postgresql(sqlite_search):
    author = AuthorFactory(name="Jane Austen")
    assert selectors.authors_matching(q="austen") == [author]


def test_an_empty_result_suggests_popular_books_and_authors(client):
    book = BookFactory(title="Dom Casmurro", authors=[AuthorFactory(name="Machado de Assis")])
    response = client.get("/livros/?q=zzqxv")
    assert response.status_code == 200
    fallback = response.context["fallback"]
    assert fallback["books"] == [] and book in fallback["popular_books"]
    assert [a.name for a in fallback["popular_authors"]] == ["Machado de Assis"]
    assert "Nenhum livro encontrado" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "texts", "expected"),
    [
        ("hary poter", ["Harry Potter and the Chamber of Secrets J.K. Rowling"], "harry potter"),
        ("harry potter", ["Harry Potter"], ""),
        ("machado de asis", ["Dom Casmurro Machado de Assis"], "machado de assis"),
    ],
)
def test_did_you_mean(query, texts, expected):
    assert search.did_you_mean(query, texts) == expected


def test_translated_titles_fold_accents():
    assert search.translated_title("O Senhor dos Anéis") == "o lord of the rings"
    assert search.translated_title("harry potter") == ""
