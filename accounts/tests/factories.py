from decimal import Decimal

import factory

from accounts.models import BookReview, BookShelf, ReadingProgress
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory


class BookShelfFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookShelf

    user = factory.SubFactory(UserFactory)
    book = factory.SubFactory(BookFactory)
    shelf_type = BookShelf.ShelfType.WANT_TO_READ


class ReadingProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingProgress

    user = factory.SubFactory(UserFactory)
    book = factory.SubFactory(BookFactory)
    current_page = 50
    total_pages = 300


class BookReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BookReview

    user = factory.SubFactory(UserFactory)
    book = factory.SubFactory(BookFactory)
    rating = Decimal("4.0")
    title = "Muito bom"
    text = "Gostei bastante da leitura."
