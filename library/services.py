"""Writes of the library app: import jobs and their rows, reading goals.

An import is stored whole (job + parsed rows, one transaction) before the task starts;
the task then matches rows to the catalog and applies them in batches of BATCH_SIZE rows,
one transaction each, keeping a state per row, so a retry resumes where it stopped and
re-applies nothing. A batch reads the reader's state for its books once, applies the rows
in memory with the rules of the accounts services (accounts/rules.py, library/bulk.py) and writes back with
bulk inserts and updates: a fixed number of queries per batch, not per row.
"""

from contextlib import suppress
from datetime import date, datetime, time, timedelta
from time import monotonic, sleep

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import BookShelf
from accounts.services import clean_custom_name, clean_rating
from catalog.models import Book, BookEdit
from catalog.services import book_pages_fill
from core.db import bulk_set
from core.jobs import TRANSIENT_ERRORS, enqueue_on_commit
from core.privacy import Visibility
from library import formats
from library.bulk import ReaderLibrary
from library.cache import flush_reader_stats
from library.models import ImportJob, ImportRow, ReadingGoal
from library.signals import import_finished

ShelfType = BookShelf.ShelfType
RowStatus = ImportRow.Status
JobStatus = ImportJob.Status
ACTIVE = ImportJob.ACTIVE_STATUSES
# Rows applied per transaction: one read of the reader's state and one write-back each.
BATCH_SIZE = 250
BATCH_ATTEMPTS = 3
MATCH_BATCH_SIZE = 500
REVIEW_MAX = 10_000

# How far along a reading is: an imported status replaces the current one only if it is
# further along, or if the row's date is newer than the current entry's (see docs).
STATUS_RANK = {ShelfType.WANT_TO_READ: 0, ShelfType.READING: 1, ShelfType.ABANDONED: 2, ShelfType.READ: 3}


# --- Creating a job -------------------------------------------------------------------------


def _check_no_active_import(user: AbstractBaseUser) -> None:
    """One import at a time per reader, race-free: the reader's row is locked until commit,
    so two uploads or retries at once (pages, the management command) queue here and the
    second sees the first's job."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
    if ImportJob.objects.filter(user=user, status__in=ACTIVE).exists():
        raise ValidationError(
            _("Você já tem uma importação em andamento. Espere ela terminar ou cancele-a na página da importação."),
            code="busy",
        )


@transaction.atomic
def import_job_create(*, user: AbstractBaseUser, file_name: str, data: bytes, enqueue: bool = True) -> ImportJob:
    """Check the file and store it with the job; the task starts after commit and unpacks
    the rows (`enqueue=False` leaves the run to the caller, e.g. a management command).

    Parsing is cheap and answers a bad file at once; writing thousands of rows is not, so
    the request stores one row and leaves them to the task. Raises formats.FileRejected
    (nothing is written) for a file we cannot read.
    """
    layout, rows = formats.parse_file(data)
    _check_no_active_import(user)
    job = ImportJob(
        user=user,
        source=layout,
        file_name=(file_name or "biblioteca.csv")[:255],
        total_rows=len(rows),
        data=data,
    )
    job.full_clean(exclude=["user", "data"])
    job.save()
    if enqueue:
        _enqueue_run(job.pk)
    return job


def _enqueue_run(job_id: int) -> None:
    from library.tasks import import_job_run_task  # tasks import this module

    enqueue_on_commit(import_job_run_task, job_id)


# --- Matching -------------------------------------------------------------------------------


def _title_author_index() -> dict[str, int]:
    """Normalised "title|first author" → book id over the catalog, built once per run.

    The normalisation (accents, punctuation, series) cannot use a database index, and one
    pass over id/title/authors of the catalog costs less than a query per row.
    """
    index: dict[str, int] = {}
    for book_id, title, original, authors in (
        Book.objects.order_by("id")
        .values_list("id", "title", "original_title", "author_names")
        .iterator(chunk_size=5000)
    ):
        for name in (title, original):
            if name:
                index.setdefault(formats.title_author_key(name, authors), book_id)
    return index


def _match_batch(rows: list[ImportRow], layout: str, index_holder: list) -> None:
    parsed = {row.pk: formats.library_row(layout, row.raw) for row in rows}
    isbn13s = {p.isbn13 for p in parsed.values() if p.isbn13}
    isbns = {p.isbn for p in parsed.values() if p.isbn}
    goodreads_ids = {p.goodreads_id for p in parsed.values() if p.goodreads_id}
    by_isbn13, by_isbn, by_goodreads = {}, {}, {}
    candidates = Book.objects.filter(
        Q(isbn13__in=isbn13s) | Q(isbn__in=isbns) | Q(goodreads_id__in=goodreads_ids)
    ).values_list("id", "isbn13", "isbn", "goodreads_id")
    for book_id, isbn13, isbn, goodreads_id in candidates.order_by("id"):
        for lookup, key in ((by_isbn13, isbn13), (by_isbn, isbn), (by_goodreads, goodreads_id)):
            if key:
                lookup.setdefault(key, book_id)
    for row in rows:
        p = parsed[row.pk]
        book_id = by_isbn13.get(p.isbn13) or by_isbn.get(p.isbn) or by_goodreads.get(p.goodreads_id)
        if book_id is None and p.title:
            if not index_holder:
                index_holder.append(_title_author_index())
            book_id = index_holder[0].get(formats.title_author_key(p.title, p.author))
        row.book_id = book_id
        row.status = RowStatus.MATCHED if book_id else RowStatus.UNMATCHED
        row.message = "" if book_id else _("Livro não encontrado no catálogo.")
    bulk_set(rows, ["book", "status", "message"])


def _match_pending(job: ImportJob) -> None:
    index_holder: list = []
    while rows := list(job.rows.filter(status=RowStatus.PENDING).order_by("row_number")[:MATCH_BATCH_SIZE]):
        with transaction.atomic():
            _match_batch(rows, job.source, index_holder)
            _refresh_counters(job, running=True)


class ImportStopped(Exception):
    """The job is no longer running (the reader cancelled it): the batch rolls back."""


def _refresh_counters(job: ImportJob, *, running: bool = False) -> None:
    """Counters recomputed from the rows (one query), so a retry can never double-count.

    Inside a run (`running`) it is also the run's sign of life, and its check for a cancel.
    """
    counts = job.rows.aggregate(
        open=Count("id", filter=Q(status__in=[RowStatus.PENDING, RowStatus.MATCHED])),
        matched=Count("id", filter=Q(status__in=[RowStatus.MATCHED, RowStatus.APPLIED])),
        unmatched=Count("id", filter=Q(status=RowStatus.UNMATCHED)),
    )
    job.done_rows = job.total_rows - counts["open"]
    job.matched = counts["matched"]
    job.unmatched = counts["unmatched"]
    jobs = ImportJob.objects.filter(pk=job.pk)
    fields = {"done_rows": job.done_rows, "matched": job.matched, "unmatched": job.unmatched}
    if running and not jobs.filter(status__in=ACTIVE).update(**fields, touched_at=timezone.now()):
        raise ImportStopped
    if not running:
        jobs.update(**fields)


# --- Applying rows --------------------------------------------------------------------------


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _apply_status(library: ReaderLibrary, book: Book, row: formats.LibraryRow) -> None:
    if not row.status:
        return
    current = library.status_of(book.pk)
    if current is not None:
        if current.shelf_type == row.status:
            return
        row_date = row.date_read or row.date_added
        current_date = current.finished_at or timezone.localtime(current.added_at).date()
        further = STATUS_RANK[row.status] > STATUS_RANK[current.shelf_type]
        if not (further or (row_date is not None and row_date > current_date)):
            return
    kept_start = current.started_at if current is not None else None
    entry = library.move(book=book, shelf_type=row.status)
    # A move dates everything today; keep the history the file tells instead.
    if row.date_added:
        entry.added_at = _aware(row.date_added)
    if row.status == ShelfType.READ:
        entry.started_at, entry.finished_at = kept_start, row.date_read
        if row.date_read and book.pk in library.progress:
            library.set_progress(library.progress[book.pk], finished_at=row.date_read)
    elif row.status == ShelfType.READING:
        entry.started_at = kept_start or row.date_added or entry.started_at


def _apply_row(row: ImportRow, *, user, layout: str, library: ReaderLibrary) -> int | None:
    """Apply one matched row to the reader's library in memory (written by library.save()).

    Everything that can refuse the row is checked before anything changes, so a refused
    row leaves no trace, as the savepoint of a per-row write would. Returns the row's page
    count ("Number of Pages"), if any.
    """
    parsed = formats.library_row(layout, row.raw)
    try:
        names = [clean_custom_name(ShelfType.CUSTOM, name) for name in parsed.custom_shelves]
        rating = clean_rating(parsed.rating) if parsed.rating is not None else None
    except ValidationError as exc:
        row.status = RowStatus.FAILED
        row.message = " ".join(exc.messages)[:500]
        return None
    _apply_status(library, row.book, parsed)
    if parsed.favorite:
        library.add(book=row.book, shelf_type=ShelfType.FAVORITES)
    for name in names:
        library.add(book=row.book, shelf_type=ShelfType.CUSTOM, custom_name=name)
    # A review written here always wins; an unrated review has nothing to store it in.
    row.message = ""
    if rating is not None:
        library.review(book=row.book, rating=rating, text=parsed.review[:REVIEW_MAX])
    elif parsed.review:
        row.message = _("Resenha sem nota não importada.")
    row.status = RowStatus.APPLIED
    return parsed.pages


@transaction.atomic
def _apply_batch(job: ImportJob, rows: list[ImportRow]) -> None:
    """One transaction: the reader's state for the batch's books, every row, one write-back."""
    library = ReaderLibrary.load(user=job.user, book_ids={row.book_id for row in rows})
    reported = {}
    for row in rows:
        pages = _apply_row(row, user=job.user, layout=job.source, library=library)
        if pages and row.book.pages is None:
            reported.setdefault(row.book_id, pages)
    library.save()
    # The file's page counts fill the catalog's empty ones (the first report wins).
    if reported:
        book_pages_fill(pages_by_book=reported, source=BookEdit.Source.IMPORT, user=job.user)
    bulk_set(rows, ["status", "message"])
    _refresh_counters(job, running=True)


def _apply_matched(job: ImportJob) -> None:
    while rows := list(
        job.rows.filter(status=RowStatus.MATCHED).select_related("book").order_by("row_number")[:BATCH_SIZE]
    ):
        started = monotonic()
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            try:
                _apply_batch(job, rows)
                break
            except IntegrityError:
                # The reader shelved one of these books on the site meanwhile: read again.
                if attempt == BATCH_ATTEMPTS:
                    raise
                rows = list(job.rows.filter(pk__in=[row.pk for row in rows]).select_related("book"))
        _rest_after(started)


def _rest_after(started: float) -> None:
    """Work at most LIBRARY_IMPORT_DUTY_CYCLE of the time: imports are bulk work and a
    reader waits for them anyway, so a wave of them must not take the pages' CPU."""
    duty = settings.LIBRARY_IMPORT_DUTY_CYCLE
    if duty < 1:
        sleep((monotonic() - started) * (1 - duty) / duty)


# --- Running, resolving ---------------------------------------------------------------------


@transaction.atomic
def import_job_unpack(job: ImportJob) -> None:
    """Parse the stored file into the job's rows, once: a rerun finds the rows and no file."""
    data = bytes(ImportJob.objects.select_for_update().values_list("data", flat=True).get(pk=job.pk))
    if not data:
        return
    _layout, rows = formats.parse_file(data)
    ImportRow.objects.bulk_create(
        (ImportRow(job=job, row_number=number, raw=raw) for number, raw in enumerate(rows, start=1)),
        batch_size=1000,
    )
    ImportJob.objects.filter(pk=job.pk).update(data=b"")


def import_job_run(*, job_id: int) -> ImportJob:
    """Unpack, match and apply every open row of a job; safe to call again after a crash.

    The run first claims the job (pending → running), so a second message for it (the
    sweeper's, the outbox's) finds it taken or finished and does nothing. A transient error
    hands the job back (pending) for the task's retry; any other marks it failed.
    """
    job = ImportJob.objects.defer("data").select_related("user").get(pk=job_id)
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, touched_at=timezone.now()
    )
    if not claimed:
        return job
    try:
        import_job_unpack(job)
        _match_pending(job)
        _apply_matched(job)
    except ImportStopped:
        return ImportJob.objects.defer("data").get(pk=job.pk)
    except TRANSIENT_ERRORS:
        with suppress(*TRANSIENT_ERRORS):
            ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(status=JobStatus.PENDING)
        raise
    except Exception as exc:
        import_job_fail(job_id=job.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    with transaction.atomic():
        job.status = JobStatus.DONE
        job.finished_at = timezone.now()
        ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=job.status, finished_at=job.finished_at
        )
        flush_reader_stats(user_id=job.user_id)
        transaction.on_commit(lambda: import_finished.send(sender=ImportJob, job=job))
    return job


@transaction.atomic
def import_job_fail(*, job_id: int, error: str) -> None:
    ImportJob.objects.filter(pk=job_id, status__in=ACTIVE).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def _own_job_locked(job: ImportJob, user: AbstractBaseUser) -> ImportJob:
    job = ImportJob.objects.defer("data").select_for_update().get(pk=job.pk)
    if job.user_id != user.pk:
        raise PermissionDenied(_("Esta importação é de outro leitor."))
    return job


@transaction.atomic
def import_job_cancel(*, job: ImportJob, user: AbstractBaseUser) -> ImportJob:
    """The reader stops an import: a running task stops at its next batch (that batch is
    rolled back); rows already applied stay, and `import_job_retry` continues from there."""
    job = _own_job_locked(job, user)
    if job.status not in ACTIVE:
        raise ValidationError(_("Esta importação já terminou."), code="not_active")
    job.status, job.finished_at = JobStatus.CANCELLED, timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job


@transaction.atomic
def import_job_retry(*, job: ImportJob, user: AbstractBaseUser) -> ImportJob:
    """Queue a failed or cancelled import again; it resumes where it stopped."""
    job = _own_job_locked(job, user)
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        raise ValidationError(_("Só uma importação que falhou ou foi cancelada pode ser retomada."), code="not_stopped")
    _check_no_active_import(user)
    job.status, job.error, job.finished_at, job.touched_at = JobStatus.PENDING, "", None, timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "touched_at"])
    _enqueue_run(job.pk)
    return job


def import_jobs_requeue() -> int:
    """Queue again the active imports that showed no life for LIBRARY_IMPORT_STALE_MINUTES:
    their task was lost (a broker that lost its queue) or their worker died. Returns how many.

    A job still waiting in a long `imports` queue may get a second message this way; the
    run's claim makes that one a no-op.
    """
    cutoff = timezone.now() - timedelta(minutes=settings.LIBRARY_IMPORT_STALE_MINUTES)
    stalled = ImportJob.objects.filter(status__in=ACTIVE, touched_at__lt=cutoff)
    requeued = 0
    for job_id in stalled.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            if stalled.filter(pk=job_id).update(status=JobStatus.PENDING, touched_at=timezone.now()):
                _enqueue_run(job_id)
                requeued += 1
    return requeued


def _own_unmatched_row(row: ImportRow, user: AbstractBaseUser) -> ImportRow:
    row = ImportRow.objects.select_for_update().select_related("job").get(pk=row.pk)
    if row.job.user_id != user.pk:
        raise PermissionDenied(_("Esta importação é de outro leitor."))
    if row.status != RowStatus.UNMATCHED:
        raise ValidationError(_("Esta linha já foi resolvida."))
    return row


@transaction.atomic
def import_row_resolve(*, row: ImportRow, user: AbstractBaseUser, book: Book) -> ImportRow:
    """The reader picked the catalog book for an unmatched row: apply it now."""
    row = _own_unmatched_row(row, user)
    row.book = book
    library = ReaderLibrary.load(user=user, book_ids={book.pk})
    _apply_row(row, user=user, layout=row.job.source, library=library)
    library.save()
    row.save(update_fields=["book", "status", "message"])
    _refresh_counters(row.job)
    flush_reader_stats(user_id=user.pk)
    return row


@transaction.atomic
def import_row_skip(*, row: ImportRow, user: AbstractBaseUser) -> ImportRow:
    row = _own_unmatched_row(row, user)
    row.status = RowStatus.SKIPPED
    row.message = _("Ignorada pelo leitor.")
    row.save(update_fields=["status", "message"])
    _refresh_counters(row.job)
    return row


# --- Goals ----------------------------------------------------------------------------------


@transaction.atomic
def goal_set(
    *, user: AbstractBaseUser, year: int, books: int, pages: int | None = None, visibility: str = Visibility.PUBLIC
) -> ReadingGoal:
    goal = ReadingGoal.objects.select_for_update().filter(user=user, year=year).first() or ReadingGoal(
        user=user, year=year
    )
    goal.books, goal.pages, goal.visibility = books, pages, visibility
    goal.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    goal.save()
    return goal
