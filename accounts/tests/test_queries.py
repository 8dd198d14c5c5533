"""Query counts stay flat as data grows (10 and 200 rows, the same exact N)."""

import pytest
from django.urls import reverse

from accounts.models import BookShelf
from accounts.panels import book_reviews_panel, book_shelf_panel, continue_reading_panel
from accounts.tests.conftest import seed_reviews, seed_shelves
from accounts.tests.factories import BookReviewFactory, ReadingProgressFactory
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SIZES = [10, 200]
# The logged-in user (the cached_db session is read from the cache).
AUTH = 1
# Panels other apps add to the profile: the reading goal (library); the follow box (social:
# the reader's follow settings and latest activities, for the anonymous and the owner).
PROFILE_PANELS = 1 + 2
# The header's unread-notifications count, read once and then cached.
HEADER = 1
# The owner's recommendations without a stored list: never computed in the request (it is
# queued), an interim list instead: the list (none), their books and reviews, their latest
# book's neighbours (none here), the popular books.
FIRST_RECOMMENDATIONS = 4


@pytest.mark.parametrize("size", SIZES)
def test_profile_page_queries_for_anonymous(client, user, size, django_assert_num_queries):
    seed_shelves(user, size)
    url = reverse("accounts:profile", kwargs={"username": user.username})
    # user+profile, favourite categories, shelf counts, shelf visibilities (also the goal panel's
    # look at the Lidos shelf), recent entries, latest reviews, stats
    with django_assert_num_queries(7 + PROFILE_PANELS):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_profile_page_queries_for_the_owner(client, user, size, django_assert_num_queries):
    seed_shelves(user, size)
    client.force_login(user)
    url = reverse("accounts:profile", kwargs={"username": user.username})
    with django_assert_num_queries(AUTH + HEADER + 7 + PROFILE_PANELS + FIRST_RECOMMENDATIONS):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_my_shelves_page_queries(client, user, size, django_assert_num_queries):
    seed_shelves(user, size)
    client.force_login(user)
    url = reverse("accounts:shelves", kwargs={"username": user.username})
    # user+profile, shelf counts, shelf visibilities, page count, page rows (one per book), their
    # books, their shelves
    with django_assert_num_queries(AUTH + HEADER + 7):
        response = client.get(url, {"estante": "read"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(size // 4 + (size % 4 > 2), 24)


@pytest.mark.parametrize("size", SIZES)
def test_book_reviews_page_queries(client, book, size, django_assert_num_queries):
    seed_reviews(book, size)
    reader = UserFactory()
    client.force_login(reader)
    url = reverse("accounts:book_reviews", kwargs={"slug": book.slug})
    # book, count, page rows with authors, viewer's helpful votes
    with django_assert_num_queries(AUTH + HEADER + 4):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_shelf_panel_queries(book, size, rf_request, django_assert_num_queries):
    reader = UserFactory()
    seed_shelves(reader, size)
    BookShelf.objects.create(user=reader, book=book, shelf_type=BookShelf.ShelfType.READING)
    ReadingProgressFactory(user=reader, book=book)
    BookReviewFactory(user=reader, book=book)
    # entries for the book, custom shelf names, progress, own review
    with django_assert_num_queries(4):
        html = book_shelf_panel(rf_request(reader), book)
    assert "Salvar progresso" in html


def test_shelf_panel_costs_nothing_for_anonymous(book, rf_request, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = book_shelf_panel(rf_request(None), book)
    assert reverse("account_login") in html


@pytest.mark.parametrize("size", SIZES)
def test_reviews_panel_queries_cold_and_warm(book, size, rf_request, django_assert_num_queries):
    seed_reviews(book, size)
    reader = UserFactory()
    # cold: histogram, top reviews with authors, the viewer's facts (core.personal.reader_facts)
    with django_assert_num_queries(3):
        html = book_reviews_panel(rf_request(reader), book)
    public = size * 3 // 4
    assert html.count('<li class="review"') == min(public, 10)
    assert (f"Ver todas as {public} resenhas" in html) == (public > 10)
    # warm: the summary and the viewer's votes come from the cache
    with django_assert_num_queries(0):
        book_reviews_panel(rf_request(reader), book)
    with django_assert_num_queries(0):
        book_reviews_panel(rf_request(None), book)


@pytest.mark.parametrize("size", SIZES)
def test_continue_reading_panel_queries(size, rf_request, django_assert_num_queries):
    reader = UserFactory()
    seed_shelves(reader, size)
    with django_assert_num_queries(1):
        html = continue_reading_panel(rf_request(reader), None)
    assert "Continue lendo" in html
    with django_assert_num_queries(0):
        assert continue_reading_panel(rf_request(None), None) == ""


def _book_page_queries(client, book) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("catalog:book_detail", kwargs={"slug": book.slug})).status_code == 200
    return len(queries)


def test_book_page_with_our_panels_costs_the_same_at_10_and_200_reviews(client, django_assert_num_queries):
    from catalog.tests.factories import BookFactory

    small, large = BookFactory(), BookFactory()
    seed_reviews(small, 10)
    seed_reviews(large, 200)
    reader = UserFactory()
    for book in (small, large):
        seed_shelves(reader, 5)
        BookShelf.objects.create(user=reader, book=book, shelf_type=BookShelf.ShelfType.READING)
        ReadingProgressFactory(user=reader, book=book)
    seed_shelves(reader, 1)  # their latest book, whose neighbours the home's interim list caches
    client.force_login(reader)
    client.get(reverse("core:home"))  # fill the reader's own caches (header count, recommendations)
    warm = BookFactory()
    seed_reviews(warm, 2)
    _book_page_queries(client, warm)  # and their facts (core.personal.reader_facts)
    expected = _book_page_queries(client, small)
    with django_assert_num_queries(expected):
        response = client.get(reverse("catalog:book_detail", kwargs={"slug": large.slug}))
    html = response.content.decode()
    assert 'id="minha-estante"' in html and 'id="avaliacoes"' in html
