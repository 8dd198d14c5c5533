"""Writes of the accounts app: shelves, reading progress, reviews, profile.

Every function is keyword-only, runs in one transaction and validates before saving, so
a bad input leaves no half-written row. Errors are `ValidationError`s with pt-BR text.
"""

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rules, selectors
from accounts.cache import flush_book_reviews
from accounts.models import (
    BookReview,
    BookShelf,
    Profile,
    ReadingProgress,
    ReviewEdit,
    ReviewHelpfulVote,
    ShelfVisibility,
)
from accounts.models.book_review import RATING_CHOICES
from catalog.cache import flush_book
from catalog.models import Book, BookEdit, Category
from catalog.services import book_pages_fill
from core.db import bulk_set
from core.limits import model_limit
from core.privacy import Visibility

ShelfType = BookShelf.ShelfType
CUSTOM_NAME_MAX = model_limit(BookShelf, "custom_name")
VALID_RATINGS = {value for value, _label in RATING_CHOICES}


def _check_text_lengths(instance, *names: str) -> None:
    """TextField.max_length only sizes form widgets; enforce it for every caller."""
    for name in names:
        limit = instance._meta.get_field(name).max_length
        if len(getattr(instance, name) or "") > limit:
            raise ValidationError({name: _("Use no máximo %(max)d caracteres.") % {"max": limit}})


class ReviewExists(ValidationError):
    """A reader reviews a book once; answered with 409 by the views."""


def _check_owner(item, user: AbstractBaseUser, message: str) -> None:
    """A reader's shelf entries, readings and reviews are written by that reader only (403)."""
    if item.user_id != user.pk:
        raise PermissionDenied(message)


# --- Shelves ------------------------------------------------------------------------------


def clean_custom_name(shelf_type: str, custom_name: str) -> str:
    if shelf_type != ShelfType.CUSTOM:
        return ""
    name = " ".join((custom_name or "").split())
    if not name:
        raise ValidationError(_("Dê um nome à estante."))
    if len(name) > CUSTOM_NAME_MAX:
        raise ValidationError(_("O nome da estante pode ter no máximo %(max)d caracteres.") % {"max": CUSTOM_NAME_MAX})
    return name


def _canonical_custom_name(*, user: AbstractBaseUser, name: str) -> str:
    """Reuse the spelling of an existing shelf: "Clássicos" and "clássicos" are one shelf.

    An emptied shelf keeps its spelling through its visibility setting, so refilling it
    in another case finds that setting again.
    """
    for model in (BookShelf, ShelfVisibility):
        existing = (
            model.objects.filter(user=user, shelf_type=ShelfType.CUSTOM, custom_name__iexact=name)
            .values_list("custom_name", flat=True)
            .first()
        )
        if existing:
            return existing
    return name


def _check_shelf_type(shelf_type: str) -> None:
    if shelf_type not in ShelfType.values:
        raise ValidationError(_("Estante desconhecida."))


def check_visibility(visibility: str) -> None:
    if visibility not in Visibility.values:
        raise ValidationError(_("Escolha pública, só com o link ou privada."))


@transaction.atomic
def shelf_visibility_set(
    *, user: AbstractBaseUser, shelf_type: str, custom_name: str = "", visibility: str
) -> ShelfVisibility:
    """Who sees one shelf; a custom shelf must exist (have a book) to be set."""
    _check_shelf_type(shelf_type)
    check_visibility(visibility)
    name = clean_custom_name(shelf_type, custom_name)
    if name:
        name = _canonical_custom_name(user=user, name=name)
        if not BookShelf.objects.filter(user=user, shelf_type=ShelfType.CUSTOM, custom_name=name).exists():
            raise ValidationError(_("Estante não encontrada."))
    setting, _created = ShelfVisibility.objects.update_or_create(
        user=user, shelf_type=shelf_type, custom_name=name, defaults={"visibility": visibility}
    )
    selectors.forget_shelf_visibilities(user)
    return setting


@transaction.atomic
def shelf_move(*, user: AbstractBaseUser, book: Book, shelf_type: str) -> BookShelf:
    """Put `book` on a reading-status shelf, replacing its previous status entry."""
    if shelf_type not in BookShelf.STATUS_SHELVES:
        raise ValidationError(_("Só é possível mover entre Quero ler, Lendo, Lidos e Abandonados."))
    today = timezone.localdate()
    entry = (
        BookShelf.objects.select_for_update()
        .filter(user=user, book=book, shelf_type__in=BookShelf.STATUS_SHELVES)
        .first()
    )
    if entry is None:
        entry = BookShelf(user=user, book=book)
    elif entry.shelf_type == shelf_type:
        return entry
    rules.place_on_status_shelf(entry, shelf_type, today=today, now=timezone.now())
    entry.full_clean(exclude=["user", "book"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:  # a concurrent request put it on a status shelf first
        raise ValidationError(_("O livro acabou de mudar de estante. Tente novamente.")) from exc
    _sync_progress_with_shelf(user=user, book=book, shelf_type=shelf_type, today=today)
    return entry


@transaction.atomic
def shelf_entry_move(*, user: AbstractBaseUser, entry: BookShelf, shelf_type: str) -> BookShelf:
    """Move one of the reader's entries: only a reading-status entry changes shelf."""
    _check_owner(entry, user, _("Esta estante é de outro leitor."))
    if entry.shelf_type not in BookShelf.STATUS_SHELVES:
        raise ValidationError(_("Só livros em Quero ler, Lendo, Lidos ou Abandonados mudam de estante."))
    return shelf_move(user=user, book=entry.book, shelf_type=shelf_type)


@transaction.atomic
def shelf_entry_remove(*, user: AbstractBaseUser, entry: BookShelf) -> bool:
    _check_owner(entry, user, _("Esta estante é de outro leitor."))
    return shelf_remove(user=user, book=entry.book, shelf_type=entry.shelf_type, custom_name=entry.custom_name)


def _sync_progress_with_shelf(*, user, book: Book, shelf_type: str, today) -> None:
    progress = ReadingProgress.objects.select_for_update().filter(user=user, book=book).first()
    new, changes = rules.progress_after_move(
        progress, user=user, book=book, shelf_type=shelf_type, today=today, now=timezone.now()
    )
    if new is not None:
        new.save()
    elif changes:
        ReadingProgress.objects.filter(pk=progress.pk).update(**changes)


@transaction.atomic
def shelf_add(*, user: AbstractBaseUser, book: Book, shelf_type: str, custom_name: str = "") -> BookShelf:
    """Add `book` to a shelf. Status shelves move the book (one status per book)."""
    _check_shelf_type(shelf_type)
    if shelf_type in BookShelf.STATUS_SHELVES:
        return shelf_move(user=user, book=book, shelf_type=shelf_type)
    name = clean_custom_name(shelf_type, custom_name)
    if name:
        name = _canonical_custom_name(user=user, name=name)
    entry = BookShelf.objects.filter(user=user, book=book, shelf_type=shelf_type, custom_name=name).first()
    if entry:
        return entry
    entry = BookShelf(user=user, book=book, shelf_type=shelf_type, custom_name=name)
    entry.full_clean(exclude=["user", "book"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # the same add raced us: the shelf already holds the book
        entry = BookShelf.objects.get(user=user, book=book, shelf_type=shelf_type, custom_name=name)
    return entry


@transaction.atomic
def shelf_remove(*, user: AbstractBaseUser, book: Book, shelf_type: str, custom_name: str = "") -> bool:
    """Take `book` off one shelf; True if something was removed."""
    _check_shelf_type(shelf_type)
    entries = BookShelf.objects.filter(user=user, book=book, shelf_type=shelf_type)
    if shelf_type == ShelfType.CUSTOM:
        entries = entries.filter(custom_name__iexact=clean_custom_name(shelf_type, custom_name))
    deleted, _detail = entries.delete()
    return bool(deleted)


# --- Reading progress ---------------------------------------------------------------------


def _validated_progress(progress: ReadingProgress) -> ReadingProgress:
    if progress.total_pages is None or progress.total_pages < 1:
        raise ValidationError({"total_pages": _("Informe o total de páginas (pelo menos 1).")})
    if progress.current_page > progress.total_pages:
        raise ValidationError({"current_page": _("A página atual não pode passar do total de páginas.")})
    _check_text_lengths(progress, "notes")
    progress.full_clean(exclude=["user", "book"], validate_unique=False, validate_constraints=False)
    return progress


@transaction.atomic
def progress_start(*, user: AbstractBaseUser, book: Book, total_pages: int | None = None) -> ReadingProgress:
    """Start (or resume) tracking a reading; the book goes to Lendo."""
    progress = ReadingProgress.objects.select_for_update().filter(user=user, book=book).first()
    if progress is None:
        progress = ReadingProgress(user=user, book=book, total_pages=total_pages or book.pages)
        _validated_progress(progress).save()
        _fill_book_pages(progress)
    shelf_move(user=user, book=book, shelf_type=ShelfType.READING)
    progress.refresh_from_db()
    return progress


def _fill_book_pages(progress: ReadingProgress) -> None:
    """The first reader's total becomes the book's page count when it has none."""
    if progress.book.pages is None:
        book_pages_fill(
            pages_by_book={progress.book_id: progress.total_pages}, source=BookEdit.Source.READER, user=progress.user
        )


def progress_check_owner(*, progress: ReadingProgress, user: AbstractBaseUser) -> None:
    """Only its reader writes a reading (the pages ask before parsing the form, too)."""
    _check_owner(progress, user, _("Este progresso de leitura é de outro leitor."))


@transaction.atomic
def progress_update(
    *,
    progress: ReadingProgress,
    user: AbstractBaseUser,
    current_page: int,
    total_pages: int | None = None,
    deadline=None,
    notes: str | None = None,
) -> ReadingProgress:
    """Record the current page; reaching the last page moves the book to Lidos."""
    progress_check_owner(progress=progress, user=user)
    progress = ReadingProgress.objects.select_for_update().select_related("book").get(pk=progress.pk)
    if current_page is None or current_page < 0:
        raise ValidationError({"current_page": _("Informe uma página válida.")})
    progress.current_page = current_page
    if total_pages is not None:
        progress.total_pages = total_pages
    if deadline is not None:
        progress.deadline = deadline
    if notes is not None:
        progress.notes = notes
    _validated_progress(progress).save()
    _fill_book_pages(progress)
    if progress.current_page == progress.total_pages and not progress.finished_at:
        shelf_move(user=progress.user, book=progress.book, shelf_type=ShelfType.READ)
        progress.refresh_from_db()
    return progress


def _progress_move(progress: ReadingProgress, user: AbstractBaseUser, shelf_type: str) -> ReadingProgress:
    progress_check_owner(progress=progress, user=user)
    shelf_move(user=progress.user, book=progress.book, shelf_type=shelf_type)
    progress.refresh_from_db()
    return progress


@transaction.atomic
def progress_abandon(*, progress: ReadingProgress, user: AbstractBaseUser) -> ReadingProgress:
    return _progress_move(progress, user, ShelfType.ABANDONED)


@transaction.atomic
def progress_restore(*, progress: ReadingProgress, user: AbstractBaseUser) -> ReadingProgress:
    """Pick an abandoned reading up again where it stopped (back to Lendo)."""
    return _progress_move(progress, user, ShelfType.READING)


# --- Reviews ------------------------------------------------------------------------------


def clean_rating(rating) -> Decimal:
    try:
        value = Decimal(str(rating).replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"rating": _("Dê uma nota de 1 a 5 estrelas.")}) from exc
    if value not in VALID_RATINGS:
        raise ValidationError({"rating": _("A nota vai de 1 a 5, em passos de meia estrela.")})
    return value


def book_rating_refresh(*, book_id: int) -> None:
    """Recompute a book's average and count from all its reviews (public and private).

    Callers hold the book row lock, so two concurrent review writes cannot interleave
    their recomputations and leave a stale aggregate.
    """
    book_ratings_refresh(book_ids={book_id})


def book_ratings_refresh(*, book_ids: set[int]) -> None:
    """The same for many books (the library import): lock them in id order so two
    batches cannot deadlock, one grouped aggregate, one update (3 queries), then drop
    their cached pages and review panels (update() sends no post_save)."""
    if not book_ids:
        return
    slugs = dict(
        Book.objects.select_for_update(no_key=True).filter(pk__in=book_ids).order_by("pk").values_list("pk", "slug")
    )
    stats = {
        row["book_id"]: row
        for row in BookReview.objects.filter(book_id__in=book_ids)
        .values("book_id")
        .annotate(avg=Avg("rating"), count=Count("id"))
    }
    books = []
    for book_id in slugs:
        row = stats.get(book_id, {})
        books.append(Book(pk=book_id, average_rating=rating_average(row.get("avg")), ratings_count=row.get("count", 0)))
    bulk_set(books, ["average_rating", "ratings_count"])
    flush_book(*slugs.values())
    for book_id in slugs:
        flush_book_reviews(book_id=book_id)


def rating_average(value) -> Decimal:
    """A rating average as stored: two decimals, 0 without ratings."""
    return (value or Decimal("0")).quantize(Decimal("0.01"))


def book_ratings_reconcile(*, batch_size: int = 1000) -> int:
    """Recompute every book's rating aggregates from the reviews; returns how many were wrong.

    The periodic safety net behind `book_rating_refresh` (bulk imports, admin deletes,
    manual SQL): one grouped query, then writes only the rows that drifted.
    """
    actual = {
        row["book_id"]: (rating_average(row["avg"]), row["count"])
        for row in BookReview.objects.values("book_id").annotate(avg=Avg("rating"), count=Count("id"))
    }
    drifted = []
    for book in Book.objects.only("pk", "slug", "average_rating", "ratings_count").iterator(chunk_size=batch_size):
        average, count = actual.get(book.pk, (Decimal("0.00"), 0))
        if (book.average_rating, book.ratings_count) != (average, count):
            book.average_rating, book.ratings_count = average, count
            drifted.append(book)
    with transaction.atomic():
        Book.objects.bulk_update(drifted, ["average_rating", "ratings_count"], batch_size=batch_size)
        if drifted:
            flush_book(*(book.slug for book in drifted))
    return len(drifted)


def _lock_book(book_id: int) -> None:
    Book.objects.select_for_update().filter(pk=book_id).values_list("pk", flat=True).first()


REVIEW_FIELDS = ("title", "text", "contains_spoilers", "would_recommend", "visibility")


@transaction.atomic
def review_create(*, user: AbstractBaseUser, book: Book, rating, **fields) -> BookReview:
    _lock_book(book.pk)
    if BookReview.objects.filter(user=user, book=book).exists():
        raise ReviewExists(_("Você já avaliou este livro."), code="exists")
    review = BookReview(user=user, book=book, rating=clean_rating(rating))
    for name in REVIEW_FIELDS:
        if name in fields:
            setattr(review, name, fields[name])
    _check_text_lengths(review, "text")
    review.full_clean(exclude=["user", "book"], validate_unique=False, validate_constraints=False)
    review.save()
    book_rating_refresh(book_id=book.pk)
    return review


@transaction.atomic
def review_update(*, review: BookReview, user: AbstractBaseUser, rating=None, **fields) -> BookReview:
    _check_owner(review, user, _("Você só pode editar as suas próprias resenhas."))
    _lock_book(review.book_id)
    review = BookReview.objects.select_for_update().get(pk=review.pk)
    before = ReviewEdit(
        review=review, editor=user, old_rating=review.rating, old_title=review.title, old_text=review.text
    )
    if rating is not None:
        review.rating = clean_rating(rating)
    for name in REVIEW_FIELDS:
        if name in fields:
            setattr(review, name, fields[name])
    _check_text_lengths(review, "text")
    review.full_clean(exclude=["user", "book"], validate_unique=False, validate_constraints=False)
    review.save()
    if (before.old_rating, before.old_title, before.old_text) != (review.rating, review.title, review.text):
        before.save()  # the history keeps what readers could read before (nothing when unchanged)
    book_rating_refresh(book_id=review.book_id)
    return review


@transaction.atomic
def review_delete(*, review: BookReview, user: AbstractBaseUser) -> None:
    _check_owner(review, user, _("Você só pode excluir as suas próprias resenhas."))
    _lock_book(review.book_id)
    book_id = review.book_id
    review.delete()
    book_rating_refresh(book_id=book_id)


@transaction.atomic
def review_mark_helpful(*, review: BookReview, user: AbstractBaseUser) -> bool:
    """Toggle the reader's "útil" vote on a public review; returns True when the vote is now on."""
    if review.user_id == user.pk:
        raise PermissionDenied(_("Você não pode marcar a sua própria resenha como útil."))
    if review.visibility != Visibility.PUBLIC:
        raise ValidationError(_("Só resenhas públicas podem ser marcadas como úteis."))
    # Lock the review so a double click cannot count twice or go below zero.
    BookReview.objects.select_for_update().filter(pk=review.pk).values_list("pk", flat=True).first()
    deleted, _detail = ReviewHelpfulVote.objects.filter(user=user, review=review).delete()
    if deleted:
        BookReview.objects.filter(pk=review.pk, helpful_count__gt=0).update(helpful_count=F("helpful_count") - 1)
        voted = False
    else:
        ReviewHelpfulVote.objects.create(user=user, review=review)
        BookReview.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
        voted = True
    flush_book_reviews(book_id=review.book_id)
    return voted


# --- Profile ------------------------------------------------------------------------------


@transaction.atomic
def profile_update(*, profile: Profile, bio: str, favorite_categories: list[Category] | None = None) -> Profile:
    profile.bio = bio.strip()
    _check_text_lengths(profile, "bio")
    profile.full_clean(exclude=["user"])
    profile.save()
    if favorite_categories is not None:
        profile.favorite_categories.set(favorite_categories)
    return profile
