from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import BookReview, BookShelf, ReadingProgress, ReviewEdit, ReviewHelpfulVote
from accounts.tasks import book_ratings_reconcile
from accounts.tests.factories import BookReviewFactory, BookShelfFactory, ReadingProgressFactory
from catalog.models import Book
from catalog.tests.factories import BookFactory
from core.privacy import Visibility
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ShelfType = BookShelf.ShelfType


@pytest.fixture
def book():
    return BookFactory(pages=200)


def status_entries(user, book):
    return list(BookShelf.objects.filter(user=user, book=book, shelf_type__in=BookShelf.STATUS_SHELVES))


# --- shelves --------------------------------------------------------------------------------


def test_moving_between_status_shelves_replaces_the_status_entry(user, book):
    services.shelf_add(user=user, book=book, shelf_type=ShelfType.WANT_TO_READ)
    services.shelf_move(user=user, book=book, shelf_type=ShelfType.READING)
    entries = status_entries(user, book)
    assert [entry.shelf_type for entry in entries] == [ShelfType.READING]
    assert entries[0].started_at == timezone.localdate()


def test_moving_to_read_sets_finished_and_started_dates(user, book):
    entry = services.shelf_move(user=user, book=book, shelf_type=ShelfType.READ)
    assert entry.finished_at == entry.started_at == timezone.localdate()


def test_moving_to_reading_keeps_an_earlier_start_date(user, book):
    earlier = timezone.localdate() - timedelta(days=10)
    BookShelfFactory(user=user, book=book, shelf_type=ShelfType.ABANDONED, started_at=earlier)
    entry = services.shelf_move(user=user, book=book, shelf_type=ShelfType.READING)
    assert entry.started_at == earlier


def test_moving_to_reading_starts_progress_with_the_book_page_count(user, book):
    services.shelf_move(user=user, book=book, shelf_type=ShelfType.READING)
    progress = ReadingProgress.objects.get(user=user, book=book)
    assert (progress.current_page, progress.total_pages) == (0, 200)


def test_moving_to_abandoned_marks_the_progress_abandoned(user, book):
    progress = ReadingProgressFactory(user=user, book=book)
    services.shelf_move(user=user, book=book, shelf_type=ShelfType.READING)
    services.shelf_move(user=user, book=book, shelf_type=ShelfType.ABANDONED)
    progress.refresh_from_db()
    assert progress.is_abandoned and progress.abandoned_at is not None


def test_shelf_move_refuses_non_status_shelves(user, book):
    with pytest.raises(ValidationError):
        services.shelf_move(user=user, book=book, shelf_type=ShelfType.FAVORITES)


def test_favorites_is_added_on_top_of_the_status_shelf(user, book):
    services.shelf_add(user=user, book=book, shelf_type=ShelfType.READ)
    services.shelf_add(user=user, book=book, shelf_type=ShelfType.FAVORITES)
    services.shelf_add(user=user, book=book, shelf_type=ShelfType.FAVORITES)
    types = sorted(BookShelf.objects.filter(user=user, book=book).values_list("shelf_type", flat=True))
    assert types == ["favorites", "read"]


@pytest.mark.full_stack  # SQLite folds the case of ASCII letters only (Á ≠ á)
def test_custom_shelf_names_are_trimmed_and_case_insensitive(user, book):
    other = BookFactory()
    first = services.shelf_add(user=user, book=book, shelf_type=ShelfType.CUSTOM, custom_name="  Clássicos  ")
    second = services.shelf_add(user=user, book=other, shelf_type=ShelfType.CUSTOM, custom_name="CLÁSSICOS")
    again = services.shelf_add(user=user, book=book, shelf_type=ShelfType.CUSTOM, custom_name="clássicos")
    assert first.custom_name == second.custom_name == "Clássicos"
    assert again.pk == first.pk


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_custom_shelf_name_must_have_1_to_60_characters(user, book, name):
    with pytest.raises(ValidationError):
        services.shelf_add(user=user, book=book, shelf_type=ShelfType.CUSTOM, custom_name=name)
    assert not BookShelf.objects.filter(user=user).exists()


def test_unknown_shelf_type_is_refused(user, book):
    with pytest.raises(ValidationError):
        services.shelf_add(user=user, book=book, shelf_type="wishlist")


def test_shelf_remove_takes_the_book_off_one_shelf(user, book):
    services.shelf_add(user=user, book=book, shelf_type=ShelfType.READING)
    services.shelf_add(user=user, book=book, shelf_type=ShelfType.CUSTOM, custom_name="Clube")
    assert services.shelf_remove(user=user, book=book, shelf_type=ShelfType.CUSTOM, custom_name="clube")
    assert not services.shelf_remove(user=user, book=book, shelf_type=ShelfType.CUSTOM, custom_name="clube")
    assert list(BookShelf.objects.filter(user=user).values_list("shelf_type", flat=True)) == ["reading"]


# --- progress -------------------------------------------------------------------------------


def test_progress_start_defaults_total_pages_to_book_pages(user, book):
    progress = services.progress_start(user=user, book=book)
    assert progress.total_pages == 200
    assert status_entries(user, book)[0].shelf_type == ShelfType.READING


def test_progress_start_without_page_count_needs_a_total(user):
    book = BookFactory(pages=None)
    with pytest.raises(ValidationError):
        services.progress_start(user=user, book=book)
    assert not ReadingProgress.objects.exists() and not BookShelf.objects.exists()


def test_progress_update_records_page_deadline_and_notes(user, book):
    progress = services.progress_start(user=user, book=book)
    deadline = timezone.localdate() + timedelta(days=30)
    progress = services.progress_update(
        progress=progress, user=progress.user, current_page=50, deadline=deadline, notes="Capítulo 3"
    )
    assert (progress.current_page, progress.deadline, progress.notes) == (50, deadline, "Capítulo 3")
    assert progress.percentage == 25


def test_progress_update_refuses_page_beyond_total(user, book):
    progress = services.progress_start(user=user, book=book)
    with pytest.raises(ValidationError) as excinfo:
        services.progress_update(progress=progress, user=progress.user, current_page=201)
    assert "A página atual não pode passar do total de páginas." in excinfo.value.messages
    progress.refresh_from_db()
    assert progress.current_page == 0


def test_reaching_the_last_page_moves_the_book_to_read(user, book):
    progress = services.progress_start(user=user, book=book)
    progress = services.progress_update(progress=progress, user=progress.user, current_page=200)
    assert progress.finished_at == timezone.localdate()
    entry = status_entries(user, book)[0]
    assert (entry.shelf_type, entry.finished_at) == (ShelfType.READ, timezone.localdate())


def test_abandon_and_restore_move_the_book_and_flag_the_progress(user, book):
    progress = services.progress_start(user=user, book=book)
    progress = services.progress_abandon(progress=progress, user=progress.user)
    assert progress.is_abandoned and status_entries(user, book)[0].shelf_type == ShelfType.ABANDONED
    progress = services.progress_restore(progress=progress, user=progress.user)
    assert not progress.is_abandoned and status_entries(user, book)[0].shelf_type == ShelfType.READING


# --- reviews --------------------------------------------------------------------------------


def test_review_writes_keep_book_rating_aggregates_correct(book):
    first = services.review_create(user=UserFactory(), book=book, rating="4.5", text="Ótimo")
    services.review_create(user=UserFactory(), book=book, rating=Decimal("3"), visibility="private")
    book.refresh_from_db()
    assert (book.average_rating, book.ratings_count) == (Decimal("3.75"), 2)

    services.review_update(review=first, user=first.user, rating="2")
    book.refresh_from_db()
    assert (book.average_rating, book.ratings_count) == (Decimal("2.50"), 2)

    services.review_delete(review=first, user=first.user)
    book.refresh_from_db()
    assert (book.average_rating, book.ratings_count) == (Decimal("3.00"), 1)


def test_last_review_deleted_resets_aggregates(user, book):
    review = services.review_create(user=user, book=book, rating="5")
    services.review_delete(review=review, user=user)
    book.refresh_from_db()
    assert (book.average_rating, book.ratings_count) == (Decimal("0"), 0)


def test_second_review_of_the_same_book_is_refused_with_a_clear_message(user, book):
    services.review_create(user=user, book=book, rating="4")
    with pytest.raises(services.ReviewExists) as excinfo:
        services.review_create(user=user, book=book, rating="5")
    assert excinfo.value.messages == ["Você já avaliou este livro."]
    assert BookReview.objects.filter(user=user, book=book).count() == 1


@pytest.mark.parametrize("rating", ["0", "4.3", "6", "abc", "0.5"])
def test_rating_out_of_range_or_not_half_step_is_refused(user, book, rating):
    with pytest.raises(ValidationError) as excinfo:
        services.review_create(user=user, book=book, rating=rating)
    assert "rating" in excinfo.value.message_dict
    assert not BookReview.objects.exists()


def test_only_the_author_updates_or_deletes_a_review(book):
    review = BookReviewFactory(book=book)
    intruder = UserFactory()
    with pytest.raises(PermissionDenied):
        services.review_update(review=review, user=intruder, rating="1")
    with pytest.raises(PermissionDenied):
        services.review_delete(review=review, user=intruder)
    assert BookReview.objects.get(pk=review.pk).rating == Decimal("4.0")


def test_helpful_vote_toggles_and_counts_with_f_expressions(book):
    review = BookReviewFactory(book=book)
    reader = UserFactory()
    assert services.review_mark_helpful(review=review, user=reader) is True
    review.refresh_from_db()
    assert review.helpful_count == 1
    assert services.review_mark_helpful(review=review, user=reader) is False
    review.refresh_from_db()
    assert review.helpful_count == 0 and not ReviewHelpfulVote.objects.exists()


def test_reader_cannot_mark_own_review_helpful(book):
    review = BookReviewFactory(book=book)
    with pytest.raises(PermissionDenied):
        services.review_mark_helpful(review=review, user=review.user)
    review.refresh_from_db()
    assert review.helpful_count == 0


def test_profile_update_sets_bio_visibility_and_categories(user):
    from catalog.tests.factories import CategoryFactory

    category = CategoryFactory()
    profile = services.profile_update(profile=user.profile, bio="  Leio ficção  ", favorite_categories=[category])
    profile.refresh_from_db()
    assert profile.bio == "Leio ficção"
    assert list(profile.favorite_categories.all()) == [category]


def test_profile_update_refuses_overlong_bio(user):
    with pytest.raises(ValidationError):
        services.profile_update(profile=user.profile, bio="x" * 2001)


def test_ratings_reconcile_repairs_only_drifted_books():
    good, drifted, unreviewed = BookFactory(), BookFactory(), BookFactory()
    BookReviewFactory(book=good, rating=Decimal("4.0"))
    BookReviewFactory(book=drifted, rating=Decimal("3.5"))
    BookReviewFactory(book=drifted, rating=Decimal("5.0"))
    # Factories write reviews without the services: set the aggregates by hand.
    Book.objects.filter(pk=good.pk).update(average_rating=Decimal("4.00"), ratings_count=1)
    Book.objects.filter(pk=drifted.pk).update(average_rating=Decimal("1.00"), ratings_count=7)
    Book.objects.filter(pk=unreviewed.pk).update(average_rating=Decimal("2.00"), ratings_count=1)

    assert book_ratings_reconcile.delay().get() == 2

    drifted.refresh_from_db()
    unreviewed.refresh_from_db()
    assert (drifted.average_rating, drifted.ratings_count) == (Decimal("4.25"), 2)
    assert (unreviewed.average_rating, unreviewed.ratings_count) == (Decimal("0.00"), 0)
    assert book_ratings_reconcile.delay().get() == 0


def test_only_a_reading_status_entry_moves_and_only_its_reader_moves_it():
    favourite = BookShelfFactory(shelf_type=BookShelf.ShelfType.FAVORITES)
    with pytest.raises(ValidationError, match="mudam de estante"):
        services.shelf_entry_move(user=favourite.user, entry=favourite, shelf_type=BookShelf.ShelfType.READ)
    with pytest.raises(PermissionDenied):
        services.shelf_entry_move(user=UserFactory(), entry=favourite, shelf_type=BookShelf.ShelfType.READ)


def test_helpful_votes_only_on_public_reviews():
    review = BookReviewFactory(visibility=Visibility.UNLISTED)
    with pytest.raises(ValidationError, match="Só resenhas públicas"):
        services.review_mark_helpful(review=review, user=UserFactory())


def test_review_edits_keep_what_readers_could_read_before():
    review = BookReviewFactory(title="Antes", text="Texto antigo", rating=Decimal("3.0"))
    services.review_update(review=review, user=review.user, rating="4.5", text="Texto novo")
    services.review_update(review=review, user=review.user, text="Texto novo")  # unchanged: no row
    (edit,) = ReviewEdit.objects.filter(review=review)
    assert (edit.editor, edit.old_rating, edit.old_title, edit.old_text) == (
        review.user,
        Decimal("3.0"),
        "Antes",
        "Texto antigo",
    )
