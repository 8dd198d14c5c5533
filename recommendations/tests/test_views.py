import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import BookShelf
from accounts.tests.factories import BookShelfFactory
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from recommendations import panels
from recommendations.models import ItemNeighbors, UserRecommendations

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
