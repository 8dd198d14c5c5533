from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import BookShelf, Profile
from accounts.tests.factories import BookReviewFactory, BookShelfFactory, ReadingProgressFactory
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_new_user_gets_a_profile():
    user = UserFactory()
    assert Profile.objects.filter(user=user).exists()


def test_a_book_sits_on_one_status_shelf_only_at_database_level():
    entry = BookShelfFactory(shelf_type=BookShelf.ShelfType.WANT_TO_READ)
    with pytest.raises(IntegrityError), transaction.atomic():
        BookShelf.objects.create(user=entry.user, book=entry.book, shelf_type=BookShelf.ShelfType.READING)


def test_favorites_and_custom_shelves_sit_beside_the_status_shelf():
    entry = BookShelfFactory(shelf_type=BookShelf.ShelfType.READING)
    BookShelf.objects.create(user=entry.user, book=entry.book, shelf_type=BookShelf.ShelfType.FAVORITES)
    BookShelf.objects.create(
        user=entry.user, book=entry.book, shelf_type=BookShelf.ShelfType.CUSTOM, custom_name="Clássicos"
    )
    assert BookShelf.objects.filter(user=entry.user, book=entry.book).count() == 3


def test_custom_shelf_without_name_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        BookShelfFactory(shelf_type=BookShelf.ShelfType.CUSTOM, custom_name="")


def test_progress_page_cannot_pass_total_at_database_level():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingProgressFactory(current_page=301, total_pages=300)


@pytest.mark.parametrize("rating", ["0.5", "4.3", "5.5"])
def test_rating_must_be_a_half_step_between_one_and_five(rating):
    with pytest.raises(IntegrityError), transaction.atomic():
        BookReviewFactory(rating=Decimal(rating))


def test_one_review_per_reader_and_book():
    review = BookReviewFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BookReviewFactory(user=review.user, book=review.book)


def test_shelf_label_uses_custom_name_for_custom_shelves():
    book = BookFactory()
    entry = BookShelfFactory(book=book, shelf_type=BookShelf.ShelfType.CUSTOM, custom_name="Para a praia")
    assert entry.shelf_label == "Para a praia"
    assert BookShelfFactory(book=book, shelf_type=BookShelf.ShelfType.READ).shelf_label == "Lidos"
