"""A reader's own shelf panel on a book they have something of (`accounts.panels._own_panels`):
kept per reader and book and served again without its queries, made again after what changes
it: the reader's own write, a librarian's edit of the book, a new day."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import panels
from accounts.models import BookShelf
from accounts.tests.factories import BookShelfFactory
from catalog import services as catalog
from catalog.tests.factories import BookFactory
from core import replica
from core.fragments import CSRF_MARK
from core.personal import reader_wrote
from core.tests.clients import signed_in
from core.tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.full_stack,
    pytest.mark.usefixtures("on_commit_at_once", "stored_pages"),
]

READING = BookShelf.ShelfType.READING


@pytest.fixture
def shelved():
    """A reader reading a book whose shared page a visitor has already stored."""
    book, reader = BookFactory(title="Dom Casmurro", pages=256), UserFactory()
    BookShelfFactory(user=reader, book=book, shelf_type=READING)
    Client().get(book.get_absolute_url())
    return book, reader, signed_in(reader)


def visit(client, book):
    """The page's panel and whether the reader's state on the book was read to build it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(book.get_absolute_url())
    assert response["X-Page-Cache"] == "hit"
    html = response.content.decode()
    panel = html[html.index('id="minha-estante"') : html.index("</section>", html.index('id="minha-estante"'))]
    # The reader's progress read by the ORM: what building the panel asks (the state query in SQL stays).
    built = any('FROM "accounts_readingprogress"' in query["sql"] for query in queries.captured_queries)
    return panel, built


def tokens_out(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_panel_is_kept_and_served_again_without_its_queries(shelved):
    book, _reader, client = shelved
    first, built = visit(client, book)
    assert built and f"✓ {READING.label}" in first
    again, built = visit(client, book)
    assert not built
    assert tokens_out(again) == tokens_out(first)
    assert CSRF_MARK not in again and 'name="csrfmiddlewaretoken" value="' in again  # the reader's own token


def test_the_readers_write_shows_on_their_next_page(shelved):
    book, reader, client = shelved
    visit(client, book)
    BookShelf.objects.filter(user=reader, book=book).update(shelf_type=BookShelf.ShelfType.READ)
    reader_wrote(reader.pk)  # what their write request does (core.replica.ReadYourWritesMiddleware)
    panel, built = visit(client, book)
    assert built and f"✓ {BookShelf.ShelfType.READ.label}" in panel and f"✓ {READING.label}" not in panel


def test_a_librarians_edit_of_the_book_shows_at_once(shelved):
    book, _reader, client = shelved
    assert 'value="256"' in visit(client, book)[0]  # the pages offered to start tracking the reading
    catalog.book_pages_set(book=book, pages=300, user=UserFactory(is_staff=True))
    Client().get(book.get_absolute_url())  # the page, purged, stored again
    panel, built = visit(client, book)
    assert built and 'value="300"' in panel


def test_a_new_day_builds_it_again(shelved, monkeypatch):
    book, _reader, client = shelved
    visit(client, book)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert visit(client, book)[1]


def test_the_panel_is_built_from_the_primary(shelved, monkeypatch):
    """A copy built from a lagging replica would outlive the lag: its reads go to the primary,
    even in a request whose reads may go to the replica."""
    book, _reader, client = shelved
    may_read_replica, build = [], panels.book_shelf_context
    monkeypatch.setattr(
        panels,
        "book_shelf_context",
        lambda request, book, **extra: (
            may_read_replica.append(replica._may_read_replica.get()) or build(request, book, **extra)
        ),
    )
    token = replica._may_read_replica.set(True)  # as ReplicaRoutingMiddleware sets it for a safe request
    try:
        visit(client, book)
    finally:
        replica._may_read_replica.reset(token)
    assert may_read_replica == [False]
