"""Page counts: filled by the first reader or an import, corrected by librarians, with history."""

import pytest

from accounts import services as accounts_services
from catalog import services
from catalog.models import Book, BookEdit
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from library import services as library_services
from library.tests.conftest import fixture_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def librarian():
    return UserFactory(is_staff=True)


def test_the_first_readers_total_fills_an_empty_page_count():
    book = BookFactory(pages=None)
    first, second = UserFactory(), UserFactory()

    accounts_services.progress_start(user=first, book=book, total_pages=320)
    accounts_services.progress_start(user=second, book=book, total_pages=999)

    assert Book.objects.get(pk=book.pk).pages == 320
    edit = BookEdit.objects.get(book=book)
    assert (edit.source, edit.user, edit.old_value, edit.new_value) == ("reader", first, "", "320")


def test_a_total_given_later_in_progress_fills_it_too():
    book = BookFactory(pages=None)
    reader = UserFactory()
    progress = accounts_services.progress_start(user=reader, book=book, total_pages=200)
    Book.objects.filter(pk=book.pk).update(pages=None)  # say a librarian cleared it
    accounts_services.progress_update(progress=progress, user=reader, current_page=10, total_pages=210)
    assert Book.objects.get(pk=book.pk).pages == 210


def test_a_known_page_count_is_never_overwritten_by_readers():
    book = BookFactory(pages=300)
    accounts_services.progress_start(user=UserFactory(), book=book, total_pages=123)
    assert Book.objects.get(pk=book.pk).pages == 300
    assert not BookEdit.objects.exists()


def test_an_imports_number_of_pages_fills_empty_counts(user, django_capture_on_commit_callbacks):
    hunger = BookFactory(title="The Hunger Games", isbn="0439023483", isbn13="9780439023480", pages=None)
    with django_capture_on_commit_callbacks(execute=True):
        library_services.import_job_create(
            user=user, file_name="goodreads_sample.csv", data=fixture_bytes("goodreads_sample.csv")
        )
    assert Book.objects.get(pk=hunger.pk).pages == 374  # the sample's "Number of Pages"
    assert BookEdit.objects.get(book=hunger).source == "import"


def test_fill_ignores_absurd_counts():
    book = BookFactory(pages=None)
    assert services.book_pages_fill(pages_by_book={book.pk: 0}, source="import") == []
    assert services.book_pages_fill(pages_by_book={book.pk: 10**7}, source="import") == []
    assert Book.objects.get(pk=book.pk).pages is None


def test_librarian_corrects_the_page_count_and_sees_the_history(client, librarian):
    book = BookFactory(pages=100)
    client.force_login(librarian)
    url = f"/livros/{book.slug}/editar/"

    response = client.post(url, {"pages": "352"})

    assert response.status_code == 302
    assert Book.objects.get(pk=book.pk).pages == 352
    html = client.get(url).content.decode()
    assert "bibliotecário" in html and "100" in html and "352" in html
    assert f'href="{url}"' in client.get(book.get_absolute_url()).content.decode()
    assert "352" in client.get(book.get_absolute_url()).content.decode()  # the cached page was flushed


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1000001", "1e3"])
def test_bad_page_counts_are_refused_in_portuguese(client, librarian, value):
    book = BookFactory(pages=100)
    client.force_login(librarian)
    response = client.post(f"/livros/{book.slug}/editar/", {"pages": value})
    assert response.status_code == 400
    assert Book.objects.get(pk=book.pk).pages == 100
    assert not BookEdit.objects.exists()
    assert "errorlist" in response.content.decode()


def test_only_librarians_edit(client):
    book = BookFactory()
    url = f"/livros/{book.slug}/editar/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.post(url, {"pages": "10"}).status_code == 403
    assert f'href="{url}"' not in client.get(book.get_absolute_url()).content.decode()


def test_edit_page_of_an_unknown_book_is_404(client, librarian):
    client.force_login(librarian)
    assert client.get("/livros/nao-existe/editar/").status_code == 404
