from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import BookReview, BookShelf, ReadingProgress
from core.tests.factories import UserFactory
from library import services
from library.models import ImportJob, ImportRow
from library.signals import import_finished
from library.tests.conftest import fixture_bytes

ShelfType = BookShelf.ShelfType
pytestmark = pytest.mark.django_db


def run_import(user, name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(user=user, file_name=name, data=fixture_bytes(name))
    job.refresh_from_db()
    return job


def library_state(user) -> list:
    shelves = sorted(
        BookShelf.objects.filter(user=user).values_list(
            "book_id", "shelf_type", "custom_name", "added_at", "started_at", "finished_at"
        )
    )
    reviews = sorted(BookReview.objects.filter(user=user).values_list("book_id", "rating", "text", "updated_at"))
    return [shelves, reviews]


def status_of(user, book):
    return BookShelf.objects.get(user=user, book=book, shelf_type__in=BookShelf.STATUS_SHELVES)


def test_goodreads_import_applies_statuses_dates_ratings_and_shelves(user, catalog, django_capture_on_commit_callbacks):
    job = run_import(user, "goodreads_sample.csv", django_capture_on_commit_callbacks)
    assert (job.status, job.total_rows, job.done_rows, job.matched, job.unmatched) == ("done", 5, 5, 4, 1)
    hunger = status_of(user, catalog["hunger"])
    assert hunger.shelf_type == ShelfType.READ and hunger.finished_at == date(2024, 3, 10)
    assert timezone.localtime(hunger.added_at).date() == date(2024, 1, 5)
    assert BookShelf.objects.filter(user=user, book=catalog["hunger"], shelf_type=ShelfType.FAVORITES).exists()
    review = BookReview.objects.get(user=user, book=catalog["hunger"])
    assert review.rating == Decimal("5.0") and review.text == "Ótimo, com vírgula\ne quebra de linha"
    catalog["hunger"].refresh_from_db()
    assert (catalog["hunger"].ratings_count, catalog["hunger"].average_rating) == (1, Decimal("5.00"))
    # Matched by title + author despite accents and case.
    cien = status_of(user, catalog["cien"])
    assert cien.shelf_type == ShelfType.READING and cien.started_at == date(2024, 6, 1)
    assert ReadingProgress.objects.filter(user=user, book=catalog["cien"]).exists()
    # DNF → Abandonados; an unrated review is not stored, and the row says so.
    assert status_of(user, catalog["dom"]).shelf_type == ShelfType.ABANDONED
    assert not BookReview.objects.filter(user=user, book=catalog["dom"]).exists()
    dom_row = job.rows.get(row_number=4)
    assert dom_row.status == ImportRow.Status.APPLIED and "sem nota" in dom_row.message
    assert BookShelf.objects.filter(user=user, shelf_type=ShelfType.CUSTOM, custom_name="clássicos").exists()
    # Read without a date: no finish date is invented (it stays out of every year's stats).
    assert status_of(user, catalog["cortico"]).finished_at is None
    unmatched = job.rows.get(status=ImportRow.Status.UNMATCHED)
    assert unmatched.raw["Title"] == "Livro Que Não Existe" and unmatched.book is None


def test_storygraph_import_matches_and_maps_statuses(user, catalog, django_capture_on_commit_callbacks):
    job = run_import(user, "storygraph_sample.csv", django_capture_on_commit_callbacks)
    assert (job.source, job.matched, job.unmatched) == ("storygraph", 3, 1)
    assert BookReview.objects.get(user=user, book=catalog["hunger"]).rating == Decimal("4.5")
    assert BookReview.objects.get(user=user, book=catalog["dom"]).rating == Decimal("4.0")
    assert status_of(user, catalog["dom"]).shelf_type == ShelfType.ABANDONED
    assert status_of(user, catalog["cortico"]).shelf_type == ShelfType.READING
    assert BookShelf.objects.filter(user=user, custom_name="distopia").count() == 1


def test_reimporting_the_same_file_changes_nothing(user, catalog, django_capture_on_commit_callbacks):
    run_import(user, "goodreads_sample.csv", django_capture_on_commit_callbacks)
    before = library_state(user)
    again = run_import(user, "goodreads_sample.csv", django_capture_on_commit_callbacks)
    assert again.status == "done" and again.matched == 4
    assert library_state(user) == before


def test_running_a_job_twice_applies_each_row_once(user, catalog, django_capture_on_commit_callbacks):
    job = services.import_job_create(user=user, file_name="g.csv", data=fixture_bytes("goodreads_sample.csv"))
    services.import_job_run(job_id=job.pk)
    before = library_state(user)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PENDING)  # queued again after a crash
    services.import_job_run(job_id=job.pk)
    assert library_state(user) == before
    assert BookReview.objects.filter(user=user).count() == 2


def test_an_old_export_never_moves_a_book_finished_here_back(user, catalog, django_capture_on_commit_callbacks):
    accounts_services.shelf_move(user=user, book=catalog["cien"], shelf_type=ShelfType.READ)
    run_import(user, "goodreads_sample.csv", django_capture_on_commit_callbacks)  # says Lendo since 2024-06-01
    assert status_of(user, catalog["cien"]).shelf_type == ShelfType.READ


def test_a_newer_row_replaces_a_status_further_along(user, catalog, django_capture_on_commit_callbacks):
    entry = accounts_services.shelf_move(user=user, book=catalog["cien"], shelf_type=ShelfType.READ)
    BookShelf.objects.filter(pk=entry.pk).update(
        finished_at=date(2023, 1, 1), added_at=timezone.now() - timedelta(days=900)
    )
    run_import(user, "goodreads_sample.csv", django_capture_on_commit_callbacks)  # re-reading since 2024-06-01
    assert status_of(user, catalog["cien"]).shelf_type == ShelfType.READING


def test_a_row_further_along_moves_the_book_on(user, catalog, django_capture_on_commit_callbacks):
    accounts_services.shelf_move(user=user, book=catalog["hunger"], shelf_type=ShelfType.WANT_TO_READ)
    run_import(user, "goodreads_sample.csv", django_capture_on_commit_callbacks)
    assert status_of(user, catalog["hunger"]).shelf_type == ShelfType.READ


def test_a_review_written_here_is_never_overwritten(user, catalog, django_capture_on_commit_callbacks):
    accounts_services.review_create(user=user, book=catalog["hunger"], rating="2.5", text="Minha opinião de hoje")
    run_import(user, "goodreads_sample.csv", django_capture_on_commit_callbacks)
    review = BookReview.objects.get(user=user, book=catalog["hunger"])
    assert (review.rating, review.text) == (Decimal("2.5"), "Minha opinião de hoje")


def test_an_unmatched_row_can_be_resolved_with_a_catalog_book(user, catalog, django_capture_on_commit_callbacks):
    job = run_import(user, "goodreads_sample.csv", django_capture_on_commit_callbacks)
    row = job.rows.get(status=ImportRow.Status.UNMATCHED)
    other = catalog["dom"].__class__.objects.create(title="Outro", slug="outro")
    resolved = services.import_row_resolve(row=row, user=user, book=other)
    assert resolved.status == ImportRow.Status.APPLIED and resolved.book == other
    assert status_of(user, other).shelf_type == ShelfType.WANT_TO_READ
    job.refresh_from_db()
    assert (job.matched, job.unmatched) == (5, 0)
    with pytest.raises(ValidationError):
        services.import_row_resolve(row=row, user=user, book=other)


def test_an_unmatched_row_can_be_skipped_only_by_its_owner(user, catalog, django_capture_on_commit_callbacks):
    job = run_import(user, "goodreads_sample.csv", django_capture_on_commit_callbacks)
    row = job.rows.get(status=ImportRow.Status.UNMATCHED)
    with pytest.raises(PermissionDenied):
        services.import_row_skip(row=row, user=UserFactory())
    assert services.import_row_skip(row=row, user=user).status == ImportRow.Status.SKIPPED
    job.refresh_from_db()
    assert (job.done_rows, job.unmatched) == (5, 0)


def test_the_finished_signal_is_sent_once_per_job(user, catalog, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, job, **kwargs):
        received.append(job.pk)

    import_finished.connect(listener)
    try:
        job = run_import(user, "goodreads_sample.csv", django_capture_on_commit_callbacks)
    finally:
        import_finished.disconnect(listener)
    assert received == [job.pk]


def test_a_failing_job_is_marked_failed_and_keeps_applied_rows(user, catalog, monkeypatch):
    job = services.import_job_create(user=user, file_name="g.csv", data=fixture_bytes("goodreads_sample.csv"))
    calls = []

    def boom(row, **kwargs):
        calls.append(row.row_number)
        raise RuntimeError("disco cheio")

    monkeypatch.setattr(services, "_apply_row", boom)
    from library.tasks import import_job_run_task

    with pytest.raises(RuntimeError):
        import_job_run_task.apply(args=[job.pk], throw=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "disco cheio" in job.error
    assert job.rows.filter(status=ImportRow.Status.MATCHED).count() == 4  # left for a later run


def test_goal_set_creates_then_updates_and_validates(user):
    goal = services.goal_set(user=user, year=2025, books=20, pages=6000, visibility="private")
    again = services.goal_set(user=user, year=2025, books=30)
    assert again.pk == goal.pk and (again.books, again.pages, again.visibility) == (30, None, "public")
    with pytest.raises(ValidationError):
        services.goal_set(user=user, year=2025, books=0)


# --- one active import per reader, for every caller -----------------------------------------


def test_a_second_import_while_one_is_active_is_refused():
    reader = UserFactory()
    services.import_job_create(
        user=reader, file_name="a.csv", data=fixture_bytes("goodreads_sample.csv"), enqueue=False
    )
    with pytest.raises(ValidationError) as refused:
        services.import_job_create(user=reader, file_name="b.csv", data=fixture_bytes("goodreads_sample.csv"))
    assert refused.value.code == "busy" and "em andamento" in refused.value.messages[0]
    assert ImportJob.objects.filter(user=reader).count() == 1


def test_the_management_command_is_refused_while_an_import_is_active(tmp_path):
    from django.core.management import CommandError, call_command

    reader = UserFactory()
    services.import_job_create(
        user=reader, file_name="a.csv", data=fixture_bytes("goodreads_sample.csv"), enqueue=False
    )
    path = tmp_path / "b.csv"
    path.write_bytes(fixture_bytes("goodreads_sample.csv"))
    with pytest.raises(CommandError, match="em andamento"):
        call_command("library_import_file", user=reader.username, file=path)
    assert ImportJob.objects.filter(user=reader).count() == 1
