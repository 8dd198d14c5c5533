import pytest

from accounts.models import BookShelf
from accounts.tests.factories import BookReviewFactory, BookShelfFactory
from catalog.tests.factories import BookFactory, CategoryFactory
from core.tests.factories import UserFactory
from recommendations.services import recommendations_train

READ = BookShelf.ShelfType.READ


@pytest.fixture
def world(db):
    """12 books in two taste groups (Fantasia: even, Romance: odd), 10 readers, one training."""
    fantasy, romance = CategoryFactory(name="Fantasia"), CategoryFactory(name="Romance")
    books = [BookFactory() for _ in range(12)]
    for i, book in enumerate(books):
        book.categories.add(fantasy if i % 2 == 0 else romance)
    readers = [UserFactory() for _ in range(10)]
    for r, reader in enumerate(readers):
        group = books[r % 2 :: 2]
        for book in group[: 3 + r % 3]:
            BookShelfFactory(user=reader, book=book, shelf_type=READ)
    BookReviewFactory(user=readers[0], book=books[10])
    run = recommendations_train()
    return {"books": books, "readers": readers, "run": run, "fantasy": fantasy, "romance": romance}
