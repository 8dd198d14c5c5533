import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import BookShelf
from accounts.tests.factories import BookShelfFactory
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from recommendations import panels
from recommendations.models import ItemNeighbors, UserRecommendations
from recommendations.tests.helpers import spy_refreshes

pytestmark = pytest.mark.urls("recommendations.tests.urls")


def reader_with_list(size: int):
    """A reader with a stored list of `size` books, each with a reason from another book."""
    reader = UserFactory()
    books = BookFactory.create_batch(size + 1)
    items = [
        {"book_id": b.pk, "score": 1.0 / (i + 1), "reason": {"book_id": books[0].pk}} for i, b in enumerate(books[1:])
    ]
    UserRecommendations.objects.create(user=reader, items=items, model_version=1)
    return reader, books


def test_for_me_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("recommendations:api_for_me"))
    assert response.status_code == 401
    assert "Entre na sua conta" in response.json()["detail"]


def test_for_me_lists_books_with_reasons(client, world):
    reader = world["readers"][0]
    client.force_login(reader)
    data = client.get(reverse("recommendations:api_for_me")).json()
    assert len(data["items"]) > 0
    assert data["items"][0]["reason"].startswith("porque você leu ")


@pytest.mark.parametrize("size", [10, 200])
def test_for_me_costs_two_queries_cold_and_none_warm(client, django_assert_num_queries, db, size):
    reader, books = reader_with_list(size)
    client.force_login(reader)
    url = reverse("recommendations:api_for_me")
    # The user (then cached, as the session is), then the list and its books.
    with django_assert_num_queries(3):
        assert len(client.get(url).json()["items"]) == size
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_similar_books_of_an_unknown_slug_is_a_404(client, db):
    response = client.get(reverse("recommendations:api_similar", kwargs={"slug": "nao-existe"}))
    assert response.status_code == 404
    assert response.json()["detail"] == "Livro não encontrado."


@pytest.mark.parametrize("size", [10, 200])
def test_similar_books_cost_a_fixed_number_of_queries(client, django_assert_num_queries, db, size):
    book, *others = BookFactory.create_batch(size + 1)
    ItemNeighbors.objects.create(book=book, neighbors=[b.pk for b in others], scores=[1.0] * size, model_version=1)
    url = reverse("recommendations:api_similar", kwargs={"slug": book.slug})
    # The book (catalog cache miss: row + its authors, categories and tags), its neighbours, their rows.
    with django_assert_num_queries(4):
        data = client.get(url).json()
    assert [b["id"] for b in data["similar"]] == [b.pk for b in others[:6]]
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_similar_books_for_anonymous_and_signed_in(client, world):
    url = reverse("recommendations:api_similar", kwargs={"slug": world["books"][0].slug})
    assert client.get(url).status_code == 200
    client.force_login(world["readers"][1])
    assert client.get(url).json()["similar"]


def request_for(user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


def test_home_panel_is_empty_for_anonymous_and_lists_for_readers(world):
    assert panels.home_panel(request_for()) == ""
    html = panels.home_panel(request_for(world["readers"][0]))
    assert "Recomendados para você" in html and "porque você leu" in html


def test_profile_panel_shows_only_to_the_profile_owner(world):
    owner, other = world["readers"][0], world["readers"][1]
    assert "Recomendados para você" in panels.profile_panel(request_for(owner), owner)
    assert panels.profile_panel(request_for(other), owner) == ""
    assert panels.profile_panel(request_for(), owner) == ""


def test_book_panel_lists_similar_books(world):
    html = panels.book_panel(request_for(), world["books"][0])
    assert "Quem leu este também leu" in html and world["books"][2].title in html


@pytest.mark.parametrize("size", [10, 200])
def test_home_panel_query_count_cold_and_warm(django_assert_num_queries, db, size):
    reader, _books = reader_with_list(size)
    with django_assert_num_queries(2):
        panels.home_panel(request_for(reader))
    with django_assert_num_queries(0):
        panels.home_panel(request_for(reader))


def test_a_shelf_change_drops_the_cached_list(django_capture_on_commit_callbacks, world):
    reader, books = world["readers"][0], world["books"]
    before = panels.home_panel(request_for(reader))
    target = UserRecommendations.objects.get(user=reader).items[0]["book_id"]
    with django_capture_on_commit_callbacks(execute=True):
        BookShelfFactory(
            user=reader, book=next(b for b in books if b.pk == target), shelf_type=BookShelf.ShelfType.READ
        )
    # The eager refresh task recomputed the list, and the page shows it at once.
    assert target not in [i["book_id"] for i in UserRecommendations.objects.get(user=reader).items]
    after = panels.home_panel(request_for(reader))
    assert after != before


def reader_without_list(size: int):
    """A reader with `size` books (the newest last) and no stored list; neighbours are stored
    for their first and newest books, and the newest's include a book they already have."""
    reader = UserFactory()
    books = BookFactory.create_batch(size)
    for book in books:
        BookShelfFactory(user=reader, book=book, shelf_type=BookShelf.ShelfType.READ)
    first_pick, latest_pick = BookFactory(title="Vizinho do primeiro"), BookFactory(title="Vizinho do último")
    BookFactory.create_batch(12, ratings_count=1000)  # the popular books
    ItemNeighbors.objects.create(book=books[0], neighbors=[first_pick.pk], scores=[0.9], model_version=1)
    ItemNeighbors.objects.create(
        book=books[-1], neighbors=[books[0].pk, latest_pick.pk], scores=[0.9, 0.8], model_version=1
    )
    return reader, books


@pytest.fixture
def queued(monkeypatch):
    return spy_refreshes(monkeypatch)


@pytest.mark.parametrize("size", [3, 200])
def test_a_reader_without_a_list_gets_neighbours_of_their_latest_book_and_a_queued_refresh(
    db, size, queued, django_assert_num_queries
):
    from recommendations.tasks import refresh_user_recommendations

    reader, books = reader_without_list(size)
    # The stored list (none), the reader's books and reviews (one query), the latest book; and
    # cold here, the shared cached lists: the latest book's neighbours (row, books), the popular books.
    with django_assert_num_queries(6):
        html = panels.home_panel(request_for(reader))
    assert queued == {"queued": [(reader.pk,)], "computed": []}
    assert f"porque você leu {books[-1].title}" in html and "Vizinho do último" in html
    assert "Vizinho do primeiro" not in html and "popular entre os leitores" in html
    assert html.count('class="card book-card"') == 10 and f'href="{books[0].get_absolute_url()}"' not in html
    panels.home_panel(request_for(reader))  # another page before the list lands queues nothing more
    assert queued["queued"] == [(reader.pk,)]

    refresh_user_recommendations(reader.pk)  # what the worker runs
    html = panels.home_panel(request_for(reader))
    assert queued["computed"] == [reader.pk] and f"porque você leu {books[0].title}" in html
    assert "Vizinho do primeiro" in html


def test_the_api_gives_a_reader_without_a_list_the_interim_one_without_computing(client, db, queued):
    reader, books = reader_without_list(3)
    client.force_login(reader)
    data = client.get(reverse("recommendations:api_for_me")).json()
    assert data["items"][0]["title"] == "Vizinho do último" and queued["computed"] == []
    assert queued["queued"] == [(reader.pk,)]
