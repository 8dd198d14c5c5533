"""Covers end to end: fetch into media storage, record failures, serve the stored files."""

import pytest
from django.core.management import call_command

from catalog import services, tasks
from catalog.models import Book, CoverStatus
from catalog.tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cover_settings(settings, media_root, cover_server):
    settings.COVERS_TIMEOUT = 0.5
    settings.COVERS_OPENLIBRARY_URL = cover_server.url("/isbn/{isbn}.jpg")
    settings.COVERS_FETCH = True
    return settings


def test_a_fetched_cover_is_stored_with_thumbnails_and_served(client, cover_settings, cover_server, media_root):
    book = BookFactory(cover_url=cover_server.url("/cover.jpg"))

    assert services.book_cover_fetch(book_id=book.pk) == CoverStatus.STORED

    book.refresh_from_db()
    assert [(w, h) for _name, w, h in book.cover_files] == [(160, 240), (320, 480), (400, 600)]
    assert all((media_root / name).is_file() for name, _w, _h in book.cover_files)
    assert (book.cover_status, book.cover_attempts, book.cover_error) == (CoverStatus.STORED, 1, "")
    html = client.get(book.get_absolute_url()).content.decode()
    small, large = book.cover_files[0][0], book.cover_files[-1][0]
    assert f'srcset="/media/{small} 160w, ' in html and f"/media/{large} 400w" in html
    assert 'width="320" height="480"' in html  # the file the 220 px cover shows at 1x
    assert 'class="cover large"' not in html  # no placeholder
    hits = cover_server.hits["/cover.jpg"]
    assert services.book_cover_fetch(book_id=book.pk) == CoverStatus.STORED
    assert cover_server.hits["/cover.jpg"] == hits  # fetched once


def test_cards_serve_lazy_thumbnails(client, cover_settings, cover_server):
    book = BookFactory(cover_url=cover_server.url("/small.png"))
    services.book_cover_fetch(book_id=book.pk)
    html = client.get("/livros/").content.decode()
    assert 'loading="lazy"' in html
    assert 'width="98" height="150"' in html  # a small source is never upscaled


def test_open_library_by_isbn_is_the_fallback(cover_settings, cover_server):
    book = BookFactory(cover_url=cover_server.url("/missing.jpg"), isbn13="9780000000002")
    assert services.book_cover_fetch(book_id=book.pk) == CoverStatus.STORED


def test_a_failed_fetch_is_recorded_and_the_page_shows_the_placeholder(client, cover_settings, cover_server):
    book = BookFactory(cover_url=cover_server.url("/page.html"), isbn13="9781111111111")

    assert services.book_cover_fetch(book_id=book.pk) == CoverStatus.FAILED

    book.refresh_from_db()
    assert book.cover_attempts == 1 and book.cover_files == []
    assert "não é uma imagem" in book.cover_error and "HTTP 404" in book.cover_error
    response = client.get(book.get_absolute_url())
    assert response.status_code == 200
    assert 'class="cover large hue-' in response.content.decode()


def test_a_book_without_url_or_isbn_has_no_cover_source(cover_settings):
    book = BookFactory(isbn13="")
    assert services.book_cover_fetch(book_id=book.pk) == CoverStatus.MISSING
    assert Book.objects.get(pk=book.pk).cover_error == "sem URL nem ISBN"


def test_fetch_covers_command_fetches_in_batches(cover_settings, cover_server, capsys):
    good = [BookFactory(cover_url=cover_server.url("/cover.jpg")) for _ in range(3)]
    bad = BookFactory(cover_url=cover_server.url("/missing.jpg"), isbn13="")

    call_command("fetch_covers", "--batch", "2", verbosity=0)

    assert set(Book.objects.filter(pk__in=[b.pk for b in good]).values_list("cover_status", flat=True)) == {"stored"}
    assert Book.objects.get(pk=bad.pk).cover_status == CoverStatus.FAILED
    assert "4 books tried (failed 1, stored 3)" in capsys.readouterr().out


def test_periodic_task_is_off_with_covers_fetch_off(cover_settings, cover_server):
    book = BookFactory(cover_url=cover_server.url("/cover.jpg"))
    cover_settings.COVERS_FETCH = False
    assert tasks.covers_fetch_missing.delay().get() == 0
    cover_settings.COVERS_FETCH = True
    assert tasks.covers_fetch_missing.delay().get() == 1
    assert Book.objects.get(pk=book.pk).cover_status == CoverStatus.STORED


def test_reset_forgets_the_files(cover_settings, cover_server, media_root, django_capture_on_commit_callbacks):
    book = BookFactory(cover_url=cover_server.url("/cover.jpg"))
    services.book_cover_fetch(book_id=book.pk)
    names = Book.objects.get(pk=book.pk).cover_files
    with django_capture_on_commit_callbacks(execute=True):
        services.book_cover_reset(book_id=book.pk)
    assert not any((media_root / name).exists() for name, _w, _h in names)
    assert Book.objects.get(pk=book.pk).cover_status == CoverStatus.PENDING
