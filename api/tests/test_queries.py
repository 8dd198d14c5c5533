"""Query counts of the API: the same exact number at 10 and at 200 rows, cold cache.

Token calls read the token with its user (1 query). Cached reads (book detail, categories,
topic list) cost nothing on the second call.
"""

import pytest

from accounts.models import BookShelf
from accounts.tests.conftest import seed_reviews, seed_shelves
from catalog.models import Author, Book
from catalog.tests.factories import BookFactory, CategoryFactory
from core.tests.factories import UserFactory
from debates.models import DebatePost, DebateVote
from debates.tests.factories import DebateTopicFactory

pytestmark = pytest.mark.django_db
SIZES = [10, 200]
V1 = "/api/v1"


def get_twice(client, url, django_assert_num_queries, cold: int, warm: int | None = None) -> None:
    with django_assert_num_queries(cold):
        assert client.get(url).status_code == 200
    if warm is not None:
        with django_assert_num_queries(warm):
            assert client.get(url).status_code == 200


def make_books(count: int) -> list[Book]:
    category = CategoryFactory(slug="geral")
    author = Author.objects.create(name="Autora Única", slug="autora-unica")
    books = Book.objects.bulk_create(Book(title=f"Livro {n}", slug=f"livro-x{n}", pages=100) for n in range(count))
    for book in books:
        book.categories.add(category)
        book.authors.add(author)
    return books


@pytest.mark.parametrize("size", SIZES)
def test_book_list_queries(api, django_assert_num_queries, size):
    make_books(size)
    get_twice(api, f"{V1}/books/", django_assert_num_queries, cold=2)  # count + page
    get_twice(api, f"{V1}/books/?category=geral&sort=rating", django_assert_num_queries, cold=3)  # + category


@pytest.mark.parametrize("size", SIZES)
def test_book_detail_queries(api, django_assert_num_queries, size):
    book = BookFactory()
    seed_reviews(book, size)
    # book + its authors, categories and tags (one statement); review buckets + top reviews;
    # then all from the cache.
    get_twice(api, f"{V1}/books/{book.slug}/", django_assert_num_queries, cold=4, warm=0)


@pytest.mark.parametrize("size", SIZES)
def test_book_reviews_queries(reader_api, django_assert_num_queries, size):
    book = BookFactory()
    seed_reviews(book, size)
    # token, book (2, cached after), count + page, the reader's helpful marks.
    get_twice(reader_api, f"{V1}/books/{book.slug}/reviews/", django_assert_num_queries, cold=6, warm=4)


@pytest.mark.parametrize("size", SIZES)
def test_author_and_category_queries(api, django_assert_num_queries, size):
    books = make_books(size)
    Author.objects.bulk_create(Author(name=f"Autor {n}", slug=f"autor-{n}") for n in range(size))
    get_twice(api, f"{V1}/authors/", django_assert_num_queries, cold=2)
    get_twice(api, f"{V1}/authors/autora-unica/books/", django_assert_num_queries, cold=3)
    get_twice(api, f"{V1}/categories/", django_assert_num_queries, cold=1, warm=0)
    assert len(books) == size


@pytest.mark.parametrize("size", SIZES)
def test_my_shelves_and_progress_queries(reader_api, reader, django_assert_num_queries, size):
    seed_shelves(reader, size)
    assert BookShelf.objects.filter(user=reader).count() > size
    get_twice(reader_api, f"{V1}/me/shelves/", django_assert_num_queries, cold=3)  # token, count, page+book
    get_twice(reader_api, f"{V1}/me/shelves/?shelf_type=read", django_assert_num_queries, cold=3)
    get_twice(reader_api, f"{V1}/me/progress/", django_assert_num_queries, cold=3)


def make_topics(count: int) -> None:
    books = BookFactory.create_batch(3)
    creators = UserFactory.create_batch(3)
    for i in range(count):
        DebateTopicFactory(book=books[i % 3], creator=creators[i % 3])


@pytest.mark.parametrize("size", SIZES)
def test_topic_list_and_detail_queries(api, django_assert_num_queries, size):
    make_topics(size)
    get_twice(api, f"{V1}/topics/", django_assert_num_queries, cold=2, warm=0)  # count + page, then cached
    slug = DebateTopicFactory().slug
    get_twice(api, f"{V1}/topics/{slug}/", django_assert_num_queries, cold=1)


def make_posts(count: int, viewer) -> str:
    topic = DebateTopicFactory()
    authors = UserFactory.create_batch(5)
    roots = DebatePost.objects.bulk_create(
        DebatePost(topic=topic, author=authors[i % 5], content=f"Mensagem {i}") for i in range(count // 2)
    )
    DebatePost.objects.bulk_create(
        DebatePost(topic=topic, author=authors[i % 5], parent=root, root=root, content="Resposta")
        for i, root in enumerate(roots)
    )
    DebateVote.objects.bulk_create(DebateVote(user=viewer, post=root, value=1) for root in roots)
    return topic.slug


@pytest.mark.parametrize("size", SIZES)
def test_topic_posts_queries(reader_api, reader, django_assert_num_queries, size):
    slug = make_posts(size, reader)
    # token, topic, count and page of roots, their replies, the reader's votes; warm: the
    # threads come from the topic page's cache.
    get_twice(reader_api, f"{V1}/topics/{slug}/posts/", django_assert_num_queries, cold=6, warm=3)


@pytest.mark.parametrize("size", SIZES)
def test_vote_queries_do_not_grow_with_the_topic(reader_api, django_assert_num_queries, size):
    slug = make_posts(size, UserFactory())
    post = DebatePost.objects.filter(topic__slug=slug).first()
    # token, post + topic, then the service's lock, insert, counter move and refresh (with savepoints).
    with django_assert_num_queries(12):
        assert reader_api.post(f"{V1}/posts/{post.pk}/vote/", {"value": 1}, format="json").status_code == 200
