"""The batched apply path (library/bulk.py): same end state as applying row by row through
the accounts services, idempotent, never overwriting newer state, and a fixed number of
queries per batch."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import BookReview, BookShelf, ReadingProgress
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from library import formats, services
from library.models import ImportJob, ImportRow
from library.tests.conftest import fixture_bytes

ShelfType = BookShelf.ShelfType
RowStatus = ImportRow.Status
pytestmark = pytest.mark.django_db


# --- The reference: every row through the accounts services, one by one (the path the
# batched one replaced). Kept here so the two are compared on every run.


def _reference_status(user, book, row: formats.LibraryRow) -> None:
    if not row.status:
        return
    current = BookShelf.objects.filter(user=user, book=book, shelf_type__in=BookShelf.STATUS_SHELVES).first()
    if current is not None:
        if current.shelf_type == row.status:
            return
        row_date = row.date_read or row.date_added
        current_date = current.finished_at or timezone.localtime(current.added_at).date()
        further = services.STATUS_RANK[row.status] > services.STATUS_RANK[current.shelf_type]
        if not (further or (row_date is not None and row_date > current_date)):
            return
    entry = accounts_services.shelf_move(user=user, book=book, shelf_type=row.status)
    fields = {"added_at": services._aware(row.date_added) if row.date_added else entry.added_at}
    kept_start = current.started_at if current is not None else None
    if row.status == ShelfType.READ:
        fields.update(started_at=kept_start, finished_at=row.date_read)
        if row.date_read:
            ReadingProgress.objects.filter(user=user, book=book).update(finished_at=row.date_read)
    elif row.status == ShelfType.READING:
        fields["started_at"] = kept_start or row.date_added or entry.started_at
    BookShelf.objects.filter(pk=entry.pk).update(**fields)


def _reference_row(row: ImportRow, *, user, layout: str) -> None:
    from django.db import transaction

    parsed = formats.library_row(layout, row.raw)
    try:
        with transaction.atomic():
            _reference_status(user, row.book, parsed)
            if parsed.favorite:
                accounts_services.shelf_add(user=user, book=row.book, shelf_type=ShelfType.FAVORITES)
            for name in parsed.custom_shelves:
                accounts_services.shelf_add(user=user, book=row.book, shelf_type=ShelfType.CUSTOM, custom_name=name)
            row.message = ""
            if parsed.rating is None:
                row.message = "Resenha sem nota não importada." if parsed.review else ""
            elif not BookReview.objects.filter(user=user, book=row.book).exists():
                accounts_services.review_create(
                    user=user, book=row.book, rating=parsed.rating, text=parsed.review[: services.REVIEW_MAX]
                )
    except ValidationError as exc:
        row.status = RowStatus.FAILED
        row.message = " ".join(exc.messages)[:500]
    else:
        row.status = RowStatus.APPLIED


def reference_import(user, data: bytes) -> ImportJob:
    job = services.import_job_create(user=user, file_name="ref.csv", data=data, enqueue=False)
    services.import_job_unpack(job)
    services._match_pending(job)
    for row in job.rows.filter(status=RowStatus.MATCHED).select_related("book"):
        _reference_row(row, user=user, layout=job.source)
        row.save(update_fields=["status", "message"])
    return job


def bulk_import(user, data: bytes) -> ImportJob:
    job = services.import_job_create(user=user, file_name="bulk.csv", data=data, enqueue=False)
    return services.import_job_run(job_id=job.pk)


# --- Comparing end states ---------------------------------------------------------------------


def library_of(user) -> dict:
    """Everything an import can write for a reader, without ids, owners and write times."""
    shelves = sorted(
        (e.book_id, e.shelf_type, e.custom_name, timezone.localtime(e.added_at).date(), e.started_at, e.finished_at)
        for e in BookShelf.objects.filter(user=user)
    )
    progress = sorted(
        (p.book_id, p.current_page, p.total_pages, p.started_at, p.finished_at, p.is_abandoned, bool(p.abandoned_at))
        for p in ReadingProgress.objects.filter(user=user)
    )
    skip = {"id", "user_id", "created_at", "updated_at"}
    reviews = sorted(
        tuple(sorted((k, v) for k, v in review.items() if k not in skip))
        for review in BookReview.objects.filter(user=user).values()
    )
    return {"shelves": shelves, "progress": progress, "reviews": reviews}


def outcomes(job) -> list:
    return list(ImportRow.objects.filter(job=job).order_by("row_number").values_list("row_number", "status", "message"))


def goodreads_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, formats.GOODREADS_COLUMNS, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def give_history(user, catalog) -> None:
    """A reader who used the site before importing: every rule of the import has work."""
    accounts_services.shelf_move(user=user, book=catalog["cien"], shelf_type=ShelfType.READ)  # finished here
    accounts_services.shelf_move(user=user, book=catalog["hunger"], shelf_type=ShelfType.WANT_TO_READ)
    accounts_services.shelf_add(user=user, book=catalog["hunger"], shelf_type=ShelfType.CUSTOM, custom_name="Clássicos")
    accounts_services.progress_start(user=user, book=catalog["dom"])  # Lendo, with a reading
    accounts_services.review_create(user=user, book=catalog["cortico"], rating="2.5", text="Minha opinião")


def tricky_file(catalog) -> bytes:
    """Two rows for one book (the later one further along), case-variant custom shelves, a
    re-read newer than the site's entry, a shelf the reader already has."""
    return goodreads_csv(
        [
            {
                "Title": "O Cortiço",
                "Author": "Aluísio Azevedo",
                "Exclusive Shelf": "to-read",
                "Date Added": "2020/01/01",
            },
            {
                "Title": "O Cortiço",
                "Author": "Aluísio Azevedo",
                "Exclusive Shelf": "read",
                "Date Read": "2020/05/05",
                "Date Added": "2020/01/01",
                "My Rating": "4",
                "Bookshelves": "CLÁSSICOS, favorites",
            },
            {
                "ISBN13": '="9780060883287"',
                "Title": "Cien",
                "Author": "X",
                "Exclusive Shelf": "currently-reading",
                "Date Added": "2999/01/01",  # newer than "finished today": a re-read
                "Bookshelves": "clássicos",
            },
            {
                "ISBN13": '="9788535910681"',
                "Title": "Dom Casmurro",
                "Author": "Machado de Assis",
                "Exclusive Shelf": "read",
                "My Rating": "3,75",
                "My Review": "Capitu<br/>olhos de ressaca",
                "Bookshelves": "clássicos, clássicos",
            },
            {
                "ISBN13": '="9780439023480"',
                "Title": "Hunger",
                "Author": "Suzanne Collins",
                "Exclusive Shelf": "dnf",
                "Date Added": "2024/02/02",
                "My Review": "sem nota",
            },
        ]
    )


# --- Same end state as row by row -------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "goodreads_sample.csv",
        "storygraph_sample.csv",
        # Case-variant shelf names: SQLite folds the case of ASCII letters only (Á ≠ á).
        pytest.param("tricky", marks=pytest.mark.full_stack),
        "goodreads_sample.csv with history",
    ],
)
def test_the_batched_path_ends_where_the_row_by_row_path_ends(catalog, name):
    data = tricky_file(catalog) if name == "tricky" else fixture_bytes(name.split()[0])
    reference_reader, bulk_reader = UserFactory(), UserFactory()
    if name.endswith("history") or name == "tricky":
        give_history(reference_reader, catalog)
        give_history(bulk_reader, catalog)
    reference_job = reference_import(reference_reader, data)
    bulk_job = bulk_import(bulk_reader, data)
    assert library_of(bulk_reader) == library_of(reference_reader)
    assert outcomes(bulk_job) == outcomes(reference_job)
    # Rating aggregates: exactly what a full recount finds.
    assert accounts_services.book_ratings_reconcile() == 0


def test_batch_boundaries_do_not_change_the_outcome(catalog, monkeypatch):
    one_batch, many_batches = UserFactory(), UserFactory()
    for reader in (one_batch, many_batches):
        give_history(reader, catalog)
    bulk_import(one_batch, tricky_file(catalog))
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    bulk_import(many_batches, tricky_file(catalog))
    assert library_of(many_batches) == library_of(one_batch)


def test_two_rows_for_one_book_in_a_batch_apply_in_file_order(user, catalog):
    give_history(user, catalog)
    job = bulk_import(user, tricky_file(catalog))
    cortico = BookShelf.objects.get(user=user, book=catalog["cortico"], shelf_type__in=BookShelf.STATUS_SHELVES)
    assert (cortico.shelf_type, cortico.finished_at) == (ShelfType.READ, date(2020, 5, 5))
    # The reader's own spelling of the shelf is kept, whatever case the file uses.
    assert set(
        BookShelf.objects.filter(user=user, shelf_type=ShelfType.CUSTOM).values_list("custom_name", flat=True)
    ) == {"Clássicos"}
    # DNF → Abandonados, its reading marked abandoned; the site's review of O Cortiço stays.
    assert ReadingProgress.objects.get(user=user, book=catalog["dom"]).finished_at is not None  # read in the file
    assert BookShelf.objects.get(user=user, book=catalog["hunger"], shelf_type="abandoned")
    assert BookReview.objects.get(user=user, book=catalog["cortico"]).text == "Minha opinião"
    assert BookReview.objects.get(user=user, book=catalog["dom"]).rating == 4  # 3,75 rounds half up
    assert job.status == ImportJob.Status.DONE


def test_reimporting_through_batches_changes_nothing(user, catalog, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    give_history(user, catalog)
    bulk_import(user, tricky_file(catalog))
    before = library_of(user), list(BookShelf.objects.filter(user=user).values_list("added_at", flat=True))
    again = bulk_import(user, tricky_file(catalog))
    assert again.status == ImportJob.Status.DONE
    assert (library_of(user), list(BookShelf.objects.filter(user=user).values_list("added_at", flat=True))) == before


def test_an_invalid_custom_shelf_fails_its_row_only_and_writes_nothing_of_it(user, catalog, monkeypatch):
    data = goodreads_csv(
        [
            {"ISBN13": '="9788535910681"', "Title": "Dom", "Exclusive Shelf": "read", "Bookshelves": "boa"},
            {"ISBN13": '="9780439023480"', "Title": "Hunger", "Exclusive Shelf": "read", "Bookshelves": "ruim"},
        ]
    )
    real = services.clean_custom_name

    def picky(shelf_type, name):
        if name == "ruim":
            raise ValidationError("Nome ruim.")
        return real(shelf_type, name)

    monkeypatch.setattr(services, "clean_custom_name", picky)
    job = bulk_import(user, data)
    assert outcomes(job) == [(1, "applied", ""), (2, "failed", "Nome ruim.")]
    assert not BookShelf.objects.filter(user=user, book=catalog["hunger"]).exists()
    assert BookShelf.objects.filter(user=user, book=catalog["dom"]).count() == 2


def test_a_batch_that_meets_a_concurrent_shelf_write_is_read_again(user, catalog, monkeypatch):
    """The reader shelves a book on the site after the batch read their state: the batch's
    insert conflicts, it rolls back and runs again against what the reader did."""
    from library import bulk

    accounts_services.shelf_move(user=user, book=catalog["cien"], shelf_type=ShelfType.READ)
    real_load = bulk.ReaderLibrary.load
    loads = []

    def load_before_the_reader_wrote(cls, *, user, book_ids):
        library = real_load(user=user, book_ids=book_ids)
        if not loads:  # the first read did not see the reader's entry yet
            library.statuses.pop(catalog["cien"].pk)
        loads.append(1)
        return library

    monkeypatch.setattr(bulk.ReaderLibrary, "load", classmethod(load_before_the_reader_wrote))
    job = bulk_import(user, fixture_bytes("goodreads_sample.csv"))  # says Lendo since 2024-06-01
    assert len(loads) == 2 and job.status == ImportJob.Status.DONE
    entry = BookShelf.objects.get(user=user, book=catalog["cien"], shelf_type__in=BookShelf.STATUS_SHELVES)
    assert entry.shelf_type == ShelfType.READ
    assert outcomes(job)[1] == (2, "applied", "")


# --- Queries ----------------------------------------------------------------------------------

PATTERNS = [
    # read, rated, reviewed, favourite and a custom shelf; the book was want-to-read here
    {"Exclusive Shelf": "read", "My Rating": "4", "My Review": "Bom", "Bookshelves": "favorites, lidos-2024"},
    {"Exclusive Shelf": "currently-reading"},  # opens a reading
    {"Exclusive Shelf": "to-read"},
    {"Exclusive Shelf": "did-not-finish", "My Review": "sem nota"},  # was Lendo here, with a reading
    {"Exclusive Shelf": "read", "Date Read": "2024/01/01"},  # finished here already: stays
]


def import_of_size(rows: int) -> tuple[ImportJob, object]:
    """A reader with some history and a matched job of `rows` rows, every rule exercised."""
    reader = UserFactory()
    lines = []
    for index in range(rows):
        book = BookFactory(pages=200)
        pattern = PATTERNS[index % len(PATTERNS)]
        if index % len(PATTERNS) == 0:
            accounts_services.shelf_move(user=reader, book=book, shelf_type=ShelfType.WANT_TO_READ)
        elif index % len(PATTERNS) == 3:
            accounts_services.progress_start(user=reader, book=book)
        elif index % len(PATTERNS) == 4:
            accounts_services.shelf_move(user=reader, book=book, shelf_type=ShelfType.READ)
        lines.append({"ISBN13": f'="{book.isbn13}"', "Title": book.title, "Date Added": "2023/03/03", **pattern})
    job = services.import_job_create(user=reader, file_name="q.csv", data=goodreads_csv(lines), enqueue=False)
    services.import_job_unpack(job)
    services._match_pending(job)
    return job, reader


def queries_to_apply(job) -> int:
    with CaptureQueriesContext(connection) as queries:
        services._apply_matched(job)
    assert not job.rows.filter(status=RowStatus.MATCHED).exists()
    return len(queries)


# One batch: rows (1), savepoint (1), the reader's state (5), shelves insert + dates/moves update (2),
# readings insert + update (2), reviews insert (1), ratings: lock, aggregate, update (3),
# rows update (1), counters (2), release (1); then the empty read that ends the loop (1).
QUERIES_ONE_BATCH = 20
QUERIES_PER_BATCH = 19


@pytest.mark.parametrize("rows", [10, 40])
def test_applying_a_batch_costs_the_same_queries_whatever_its_size(rows):
    job, _reader = import_of_size(rows)
    assert queries_to_apply(job) == QUERIES_ONE_BATCH


@pytest.mark.parametrize(("rows", "batch_size", "batches"), [(10, 5, 2), (40, 10, 4)])
def test_queries_grow_with_the_batches_not_the_rows(monkeypatch, rows, batch_size, batches):
    job, _reader = import_of_size(rows)
    monkeypatch.setattr(services, "BATCH_SIZE", batch_size)
    assert queries_to_apply(job) == batches * QUERIES_PER_BATCH + 1


def test_an_emptied_custom_shelf_keeps_its_spelling_for_the_import(user, catalog):
    """As shelf_add: a shelf emptied on the site keeps its spelling in its visibility setting."""
    accounts_services.shelf_add(user=user, book=catalog["hunger"], shelf_type=ShelfType.CUSTOM, custom_name="Clássicos")
    accounts_services.shelf_visibility_set(
        user=user, shelf_type=ShelfType.CUSTOM, custom_name="Clássicos", visibility="private"
    )
    accounts_services.shelf_remove(
        user=user, book=catalog["hunger"], shelf_type=ShelfType.CUSTOM, custom_name="Clássicos"
    )
    bulk_import(user, fixture_bytes("goodreads_sample.csv"))  # Dom Casmurro on "clássicos"
    names = BookShelf.objects.filter(user=user, shelf_type=ShelfType.CUSTOM).values_list("custom_name", flat=True)
    assert sorted(names) == ["Clássicos", "para-reler"]


@pytest.mark.parametrize(("duty", "rest"), [(1.0, None), (0.5, 2.0), (0.25, 6.0)])
def test_each_batch_is_followed_by_a_rest_in_proportion_to_its_work(monkeypatch, settings, duty, rest):
    settings.LIBRARY_IMPORT_DUTY_CYCLE = duty
    clock = iter([10.0, 12.0])  # the batch took 2 s
    rests = []
    monkeypatch.setattr(services, "monotonic", lambda: next(clock))
    monkeypatch.setattr(services, "sleep", rests.append)
    services._rest_after(services.monotonic())
    assert rests == ([] if rest is None else [pytest.approx(rest)])
