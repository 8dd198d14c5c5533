import itertools

import pytest

from catalog.models import Author, Book
from catalog.search import book_search_vector
from catalog.tests.factories import AuthorFactory

_serial = itertools.count()


@pytest.fixture
def catalog_panels_only(monkeypatch):
    """Only catalog's own panels, so query counts do not depend on other apps' sections."""
    from core import panels

    registry = {
        page: {n: p for n, p in entries.items() if p.render.__module__.startswith("catalog.")}
        for page, entries in panels._registry.items()
    }
    monkeypatch.setattr(panels, "_registry", registry)


@pytest.fixture
def make_books(db):
    """Create `n` books in a few bulk queries (query-count tests need 200 quickly)."""

    def make(n, *, author: Author | None = None, categories=(), tags=()):
        author = author or AuthorFactory()
        batch = next(_serial)
        books = Book.objects.bulk_create(
            [
                Book(
                    title=f"Livro {batch}-{i:04d}",
                    slug=f"livro-{batch}-{i:04d}",
                    author_names=author.name,
                    publication_year=1900 + i % 120,
                    ratings_count=i,
                )
                for i in range(n)
            ]
        )
        Book.authors.through.objects.bulk_create([Book.authors.through(book=b, author=author) for b in books])
        # What the importer does after its bulk writes (bulk_create fires no signals).
        Book.objects.filter(pk__in=[b.pk for b in books]).update(search_vector=book_search_vector())
        for category in categories:
            Book.categories.through.objects.bulk_create(
                [Book.categories.through(book=b, category=category) for b in books]
            )
        for tag in tags:
            Book.tags.through.objects.bulk_create([Book.tags.through(book=b, tag=tag) for b in books])
        return books

    return make


@pytest.fixture(scope="session")
def cover_server():
    from catalog.tests.cover_server import CoverServer

    with CoverServer() as server:
        yield server


@pytest.fixture
def media_root(settings, tmp_path):
    """Covers land in a throwaway folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
