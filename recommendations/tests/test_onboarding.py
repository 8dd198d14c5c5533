"""A new reader's onboarding: picks become personal recommendations at once, from content
similarity when no model was trained yet (never the popularity list)."""

import pytest
from django.urls import reverse

from accounts.models import BookShelf
from catalog.tests.factories import AuthorFactory, BookFactory, CategoryFactory, TagFactory
from recommendations.models import UserRecommendations
from recommendations.services import content_neighbors

pytestmark = pytest.mark.django_db
URL = "/recomendacoes/comecar/"


@pytest.fixture
def shelf():
    """An untrained site: a liked book, its author's other book, a same-genre book, and popular noise."""
    author, genre, tag = (
        AuthorFactory(name="Ursula K. Le Guin"),
        CategoryFactory(name="Ficção científica"),
        TagFactory(),
    )
    liked = BookFactory(title="A Mão Esquerda da Escuridão", authors=[author], ratings_count=20_000)
    same_author = BookFactory(title="Os Despossuídos", authors=[author])
    same_genre = BookFactory(title="Duna")
    for book in (liked, same_genre):
        book.categories.add(genre)
        book.tags.add(tag)
    popular = [BookFactory(title=f"Popular {n}", ratings_count=10_000 - n) for n in range(11)]
    return {"liked": liked, "same_author": same_author, "same_genre": same_genre, "popular": popular, "genre": genre}


def test_content_neighbours_rank_the_same_author_first_and_name_the_liked_book(shelf):
    liked = shelf["liked"]
    items = content_neighbors(book_ids={liked.pk}, exclude=set(), limit=5)
    assert [item["book_id"] for item in items] == [shelf["same_author"].pk, shelf["same_genre"].pk]
    assert {item["reason"]["book_id"] for item in items} == {liked.pk}
    assert content_neighbors(book_ids={liked.pk}, exclude={shelf["same_author"].pk}, limit=5)[0]["book_id"] == (
        shelf["same_genre"].pk
    )


def test_onboarding_needs_a_login(client):
    assert client.get(URL).status_code == 302


def test_onboarding_with_nothing_picked_is_refused_in_portuguese(auth_client, user, shelf):
    response = auth_client.post(URL, {})
    assert response.status_code == 422
    assert "Escolha ao menos um gênero ou um livro para começarmos." in response.content.decode()
    assert not BookShelf.objects.filter(user=user).exists()


def test_onboarding_with_an_unknown_book_is_a_clear_422(auth_client, user, shelf):
    response = auth_client.post(URL, {"books": ["999999"]})
    assert response.status_code == 422
    assert not BookShelf.objects.filter(user=user).exists()


def test_picks_give_personal_recommendations_at_once(auth_client, user, shelf):
    liked = shelf["liked"]
    page = auth_client.get(URL).content.decode()
    assert liked.title in page and "Ficção científica" in page
    response = auth_client.post(URL, {"books": [liked.pk], "categories": [shelf["genre"].pk]})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert BookShelf.objects.filter(user=user, book=liked, shelf_type=BookShelf.ShelfType.FAVORITES).exists()
    assert list(user.profile.favorite_categories.all()) == [shelf["genre"]]
    items = UserRecommendations.objects.get(user=user).items
    assert [item["book_id"] for item in items[:2]] == [shelf["same_author"].pk, shelf["same_genre"].pk]
    ids = [item["book_id"] for item in items]
    assert len(ids) == len(set(ids)) == 10  # topped up with popular picks, never twice the same book
    home = auth_client.get("/").content.decode()
    assert f"parecido com {liked.title}, das suas estantes" in home
    assert "Escolher gêneros e livros" not in home  # the invitation is gone once the list is personal


def test_a_reader_without_history_is_invited_to_onboarding(auth_client, shelf):
    home = auth_client.get("/").content.decode()
    assert "Escolher gêneros e livros" in home and URL in home


def test_sign_up_leads_to_onboarding(client, shelf):
    password = "Estante-de-carvalho-42"
    response = client.post(
        reverse("account_signup"),
        {"email": "nova@example.com", "username": "nova", "password1": password, "password2": password},
    )
    assert response.status_code == 302 and response["Location"] == URL
