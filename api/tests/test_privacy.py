"""Per-item privacy through the API, search and recommendations.

Reviews: public ones are listed, an unlisted one opens with its link's token (`?k=`), a
private one only for its author; every rating still counts in the book's stats. `/me/`
endpoints are the caller's own. Nothing private is findable by search, and the
"porque você leu …" reasons are shown on their reader's own pages only.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import BookReview, BookShelf
from accounts.tests.factories import BookReviewFactory, BookShelfFactory
from api.services import token_create
from catalog.tests.factories import BookFactory
from core.privacy import Visibility, share_token
from core.tests.factories import UserFactory
from recommendations.models import UserRecommendations

pytestmark = pytest.mark.django_db
VISIBILITIES = list(Visibility.values)
VIEWERS = ["anonymous", "other", "owner"]
SECRET_TEXT = "Texto secreto da resenha xq7"
SECRET_BOOK = "Livro Secreto Lidos"
READ = BookShelf.ShelfType.READ


@pytest.fixture
def owner(db):
    return UserFactory(username="dona-dos-segredos")


@pytest.fixture
def other(db):
    return UserFactory(username="leitor-curioso")


@pytest.fixture
def book(db):
    return BookFactory(title="Livro das Resenhas")


def api_as(who, owner, other) -> APIClient:
    client = APIClient()
    user = {"owner": owner, "other": other}.get(who)
    if user:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=user).key}")
    return client


def review_of(user, book, visibility, rating="2.5", text=SECRET_TEXT):
    return BookReviewFactory(user=user, book=book, rating=Decimal(rating), text=text, visibility=visibility)


# --- reviews -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_book_reviews_list_holds_public_reviews_only(owner, other, book, visibility, who):
    review_of(owner, book, visibility)
    review_of(UserFactory(), book, Visibility.PUBLIC, rating="4.5", text="Resenha aberta")
    data = api_as(who, owner, other).get(reverse("api:book_reviews", kwargs={"slug": book.slug})).json()
    texts = [row["text"] for row in data["results"]]
    assert "Resenha aberta" in texts
    assert (SECRET_TEXT in texts) == (visibility == Visibility.PUBLIC)
    assert (owner.username in [row["user"] for row in data["results"]]) == (visibility == Visibility.PUBLIC)
    assert {row["visibility"] for row in data["results"]} == {"public"}


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_book_rating_stats_count_every_rating_anonymously(api, owner, book, visibility):
    review_of(owner, book, visibility, rating="2.5")
    review_of(UserFactory(), book, Visibility.PUBLIC, rating="4.5", text="Resenha aberta")
    stats = api.get(reverse("api:book_detail", kwargs={"slug": book.slug})).json()["rating_stats"]
    assert stats["count"] == 2 and Decimal(str(stats["average"])) == Decimal("3.5")
    assert stats["public_count"] == (2 if visibility == Visibility.PUBLIC else 1)
    assert SECRET_TEXT not in str(stats) or visibility == Visibility.PUBLIC


@pytest.mark.parametrize("token", ["none", "own", "other_review", "other_kind", "garbage"])
@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_review_detail_follows_visibility_and_the_links_token(owner, other, book, visibility, who, token):
    review = review_of(owner, book, visibility)
    another = review_of(other, BookFactory(), Visibility.UNLISTED)
    tokens = {
        "none": None,
        "own": account_selectors.review_share_token(review),
        "other_review": account_selectors.review_share_token(another),
        "other_kind": share_token("shelf", review.pk),
        "garbage": "abc",
    }
    url = reverse("api:review_detail", kwargs={"pk": review.pk})
    response = api_as(who, owner, other).get(url, {"k": tokens[token]} if tokens[token] else {})
    allowed = who == "owner" or visibility == Visibility.PUBLIC or (visibility == "unlisted" and token == "own")
    assert response.status_code == (200 if allowed else 404)
    assert (SECRET_TEXT in response.content.decode()) == allowed
    if allowed:
        assert response.json()["visibility"] == visibility


@pytest.mark.parametrize("visibility", [Visibility.UNLISTED, Visibility.PRIVATE])
def test_a_non_public_review_takes_no_helpful_vote_and_no_edit_from_others(owner, other, book, visibility):
    review = review_of(owner, book, visibility)
    client = api_as("other", owner, other)
    assert client.post(reverse("api:review_helpful", kwargs={"pk": review.pk})).status_code == 404
    response = client.patch(reverse("api:review_detail", kwargs={"pk": review.pk}), {"text": "x"}, format="json")
    assert response.status_code == 404 and SECRET_TEXT not in response.content.decode()
    assert client.delete(reverse("api:review_detail", kwargs={"pk": review.pk})).status_code == 404
    assert BookReview.objects.get(pk=review.pk).text == SECRET_TEXT


def test_an_unlisted_review_link_stops_working_when_it_turns_private(owner, other, book):
    review = review_of(owner, book, Visibility.UNLISTED)
    url = reverse("api:review_detail", kwargs={"pk": review.pk})
    link = {"k": account_selectors.review_share_token(review)}
    assert APIClient().get(url, link).status_code == 200
    response = api_as("owner", owner, other).patch(url, {"visibility": "private"}, format="json")
    assert response.status_code == 200 and response.json()["visibility"] == "private"
    assert APIClient().get(url, link).status_code == 404


def test_reviews_are_written_with_a_visibility_and_bad_values_are_refused(owner, other, book):
    client = api_as("owner", owner, other)
    url = reverse("api:book_reviews", kwargs={"slug": book.slug})
    response = client.post(url, {"rating": "4.0", "text": SECRET_TEXT, "visibility": "amigos"}, format="json")
    assert response.status_code == 400 and "escolha válida" in response.json()["fields"]["visibility"][0]
    assert not BookReview.objects.exists()
    response = client.post(url, {"rating": "4.0", "text": SECRET_TEXT, "visibility": "unlisted"}, format="json")
    assert response.status_code == 201 and response.json()["visibility"] == "unlisted"
    review_url = reverse("api:review_detail", kwargs={"pk": response.json()["id"]})
    assert client.patch(review_url, {"visibility": "hidden"}, format="json").status_code == 400
    assert BookReview.objects.get().visibility == Visibility.UNLISTED


# --- /me/ endpoints are the caller's own -----------------------------------------------------


def test_my_shelves_list_every_own_shelf_and_nobody_elses(owner, other):
    BookShelfFactory(user=owner, book=BookFactory(title=SECRET_BOOK), shelf_type=READ)
    account_services.shelf_visibility_set(user=owner, shelf_type=READ, visibility=Visibility.PRIVATE)
    own = api_as("owner", owner, other).get(reverse("api:shelf_list")).content.decode()
    assert SECRET_BOOK in own
    assert SECRET_BOOK not in api_as("other", owner, other).get(reverse("api:shelf_list")).content.decode()
    assert APIClient().get(reverse("api:shelf_list")).status_code == 401


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_no_search_finds_a_book_by_a_reviews_text(client, owner, other, visibility):
    hidden = BookFactory(title="Livro Sem Relacao")
    review_of(owner, hidden, visibility, text="palavraunicaxq7 no texto")
    for who in VIEWERS:
        api_data = api_as(who, owner, other).get(reverse("api:book_list"), {"q": "palavraunicaxq7"}).content.decode()
        assert "Livro Sem Relacao" not in api_data and "palavraunicaxq7 no" not in api_data
    html = client.get(reverse("debates:topic_list"), {"q": "palavraunicaxq7"}).content.decode()
    assert "Livro Sem Relacao" not in html and "palavraunicaxq7 no" not in html
    # The catalog finds nothing (an empty search then suggests popular books, this one included).
    response = client.get(reverse("catalog:book_list"), {"q": "palavraunicaxq7"})
    assert not response.context["page_obj"].object_list and not response.context["fallback"]["books"]
    assert "palavraunicaxq7 no" not in response.content.decode()
    # the search works: the same book is found by its title
    assert (
        "Livro Sem Relacao"
        in api_as("other", owner, other).get(reverse("api:book_list"), {"q": "Relacao"}).content.decode()
    )


# --- recommendations' reasons ------------------------------------------------------------------


@pytest.fixture
def owner_with_reasons(owner):
    """A reader whose list is explained by a book on their private Lidos shelf."""
    secret = BookFactory(title=SECRET_BOOK)
    BookShelfFactory(user=owner, book=secret, shelf_type=READ, finished_at=timezone.localdate())
    account_services.shelf_visibility_set(user=owner, shelf_type=READ, visibility=Visibility.PRIVATE)
    picks = BookFactory.create_batch(3)
    UserRecommendations.objects.create(
        user=owner,
        items=[{"book_id": pick.pk, "score": 1.0, "reason": {"book_id": secret.pk}} for pick in picks],
        model_version=1,
    )
    return owner


@pytest.mark.parametrize("who", VIEWERS)
def test_reasons_show_on_the_readers_own_pages_only(client, owner_with_reasons, other, who):
    owner = owner_with_reasons
    if who != "anonymous":
        client.force_login(owner if who == "owner" else other)
    profile = client.get(reverse("accounts:profile", kwargs={"username": owner.username})).content.decode()
    home = client.get(reverse("core:home")).content.decode()
    reason = f"porque você leu {SECRET_BOOK}"
    if who == "owner":
        assert "Recomendados para você" in profile and reason in profile and reason in home
    else:
        assert "Recomendados para você" not in profile and "recommendation-reason" not in profile
        # the book itself is catalog data (it may be popular on the home page); the reason is not
        assert SECRET_BOOK not in profile and reason not in home and "porque você leu" not in home


@pytest.mark.parametrize("who", ["anonymous", "other"])
def test_recommendation_endpoints_never_answer_with_another_readers_reasons(client, owner_with_reasons, other, who):
    reason = f"porque você leu {SECRET_BOOK}"
    api = api_as(who, owner_with_reasons, other)
    response = api.get(reverse("api:my_recommendations"))
    assert response.status_code == (401 if who == "anonymous" else 200)
    assert reason not in response.content.decode()
    if who == "other":
        client.force_login(other)
    site = client.get(reverse("recommendations:api_for_me"))
    assert site.status_code == (401 if who == "anonymous" else 200) and reason not in site.content.decode()
    # the owner's own list does carry them
    own = api_as("owner", owner_with_reasons, other).get(reverse("api:my_recommendations")).json()
    assert {row["reason"] for row in own} == {f"porque você leu {SECRET_BOOK}"}
