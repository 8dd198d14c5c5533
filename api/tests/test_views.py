"""Behaviour of the API: reads, writes, permissions, errors, rate limits, conditional GETs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import BookReview, BookShelf, ReadingProgress
from accounts.tests.factories import BookReviewFactory, BookShelfFactory, ReadingProgressFactory
from catalog.tests.factories import BookFactory, CategoryFactory, TagFactory
from debates.models import DebatePost, DebateTopic
from debates.tests.factories import DebatePostFactory, DebateTopicFactory

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


# --- Catalog ------------------------------------------------------------------------------


def test_book_list_filters_by_category_tag_and_search(api):
    fantasy, tagged = BookFactory(title="Duna"), BookFactory(title="Neuromancer")
    fantasy.categories.add(CategoryFactory(name="Fantasia", slug="fantasia"))
    tagged.tags.add(TagFactory(name="cyberpunk", slug="cyberpunk"))
    BookFactory(title="Outro")
    assert [b["title"] for b in api.get(f"{V1}/books/?category=fantasia").json()["results"]] == ["Duna"]
    assert [b["title"] for b in api.get(f"{V1}/books/?tag=cyberpunk").json()["results"]] == ["Neuromancer"]
    assert [b["title"] for b in api.get(f"{V1}/books/?q=neuromancer").json()["results"]] == ["Neuromancer"]
    assert api.get(f"{V1}/books/?sort=title").json()["count"] == 3


def test_book_list_filters_like_the_catalog_page(api, client):
    """One FilterSet: an unknown category is a 404 and an unknown order the default, on both."""
    assert api.get(f"{V1}/books/?category=nao-existe").status_code == 404
    assert client.get("/livros/?categoria=nao-existe").status_code == 404
    BookFactory(title="B"), BookFactory(title="A")
    assert [b["title"] for b in api.get(f"{V1}/books/?sort=preco").json()["results"]] == ["A", "B"]
    assert [b["title"] for b in api.get(f"{V1}/books/?ordem=title").json()["results"]] == ["A", "B"]


def test_book_detail_has_rating_stats(api):
    book = BookFactory()
    BookReviewFactory(book=book, rating=Decimal("5"))
    BookReviewFactory(book=book, rating=Decimal("3"))
    stats = api.get(f"{V1}/books/{book.slug}/").json()["rating_stats"]
    assert stats["count"] == 2 and stats["average"] == 4.0
    assert {bar["star"]: bar["count"] for bar in stats["histogram"]}[5] == 1


def test_book_detail_answers_304_to_a_matching_etag(api, reader_api, django_capture_on_commit_callbacks):
    book = BookFactory()
    first = api.get(f"{V1}/books/{book.slug}/")
    assert first.status_code == 200 and first["ETag"]
    assert api.get(f"{V1}/books/{book.slug}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):  # a new review changes the stats, so the tag
        reader_api.post(f"{V1}/books/{book.slug}/reviews/", {"rating": 5}, format="json")
    assert api.get(f"{V1}/books/{book.slug}/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_unknown_book_is_404_json(api):
    response = api.get(f"{V1}/books/nao-existe/")
    assert response.status_code == 404 and response.json()["status"] == 404


def test_authors_and_categories(api):
    book = BookFactory()
    book.categories.add(CategoryFactory(name="Terror", slug="terror"))
    author = book.authors.get()
    assert api.get(f"{V1}/authors/?q={author.name[:5]}").json()["results"][0]["slug"] == author.slug
    assert api.get(f"{V1}/authors/{author.slug}/books/").json()["results"][0]["slug"] == book.slug
    assert api.get(f"{V1}/categories/").json() == [{"id": book.categories.get().pk, "name": "Terror", "slug": "terror"}]


# --- Reviews ------------------------------------------------------------------------------


def test_review_create_then_second_is_409(reader_api):
    book = BookFactory()
    response = reader_api.post(f"{V1}/books/{book.slug}/reviews/", {"rating": 4.5, "text": "Ótimo"}, format="json")
    assert response.status_code == 201 and response.json()["rating"] == 4.5
    again = reader_api.post(f"{V1}/books/{book.slug}/reviews/", {"rating": 3}, format="json")
    assert again.status_code == 409 and again.json()["error"] == "Você já avaliou este livro."


def test_review_rating_off_the_half_steps_is_422(reader_api):
    book = BookFactory()
    response = reader_api.post(f"{V1}/books/{book.slug}/reviews/", {"rating": 4.2}, format="json")
    assert response.status_code in (400, 422)
    assert not BookReview.objects.exists()


def test_review_edit_own_only(reader_api, other_api, reader):
    review = BookReviewFactory(user=reader)
    assert reader_api.patch(f"{V1}/reviews/{review.pk}/", {"title": "Novo"}, format="json").json()["title"] == "Novo"
    response = other_api.patch(f"{V1}/reviews/{review.pk}/", {"title": "Meu"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"] == "Você só pode editar as suas próprias resenhas."


def test_review_list_and_helpful_toggle(reader_api, reader):
    review = BookReviewFactory()
    url = f"{V1}/reviews/{review.pk}/helpful/"
    assert reader_api.post(url).json() == {"marked_helpful": True, "helpful_count": 1}
    listed = reader_api.get(f"{V1}/books/{review.book.slug}/reviews/").json()["results"][0]
    assert listed["marked_helpful"] is True
    assert reader_api.post(url).json() == {"marked_helpful": False, "helpful_count": 0}
    own = BookReviewFactory(user=reader)
    assert reader_api.post(f"{V1}/reviews/{own.pk}/helpful/").status_code == 403


# --- Shelves and progress -----------------------------------------------------------------


def test_my_endpoints_need_authentication(api):
    response = api.get(f"{V1}/me/shelves/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["error"] == "As credenciais de autenticação não foram fornecidas."


def test_shelf_add_move_remove(reader_api, reader):
    book = BookFactory()
    added = reader_api.post(f"{V1}/me/shelves/", {"book": book.slug, "shelf_type": "want_to_read"}, format="json")
    assert added.status_code == 201
    entry_url = f"{V1}/me/shelves/{added.json()['id']}/"
    assert reader_api.patch(entry_url, {"shelf_type": "reading"}, format="json").json()["shelf_type"] == "reading"
    assert reader_api.get(f"{V1}/me/shelves/?shelf_type=reading").json()["count"] == 1
    assert reader_api.delete(entry_url).status_code == 204
    assert not BookShelf.objects.filter(user=reader).exists()


def test_shelf_bad_input(reader_api):
    book = BookFactory()
    unknown = reader_api.post(f"{V1}/me/shelves/", {"book": "nao-existe", "shelf_type": "read"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["fields"]["book"] == ["Livro não encontrado."]
    nameless = reader_api.post(f"{V1}/me/shelves/", {"book": book.slug, "shelf_type": "custom"}, format="json")
    assert nameless.status_code == 422 and nameless.json()["error"] == "Dê um nome à estante."


def test_someone_elses_shelf_entry_is_403(other_api):
    entry = BookShelfFactory()
    assert other_api.delete(f"{V1}/me/shelves/{entry.pk}/").status_code == 403
    assert BookShelf.objects.filter(pk=entry.pk).exists()


def test_progress_create_update_abandon(reader_api, reader):
    book = BookFactory(pages=200)
    created = reader_api.post(f"{V1}/me/progress/", {"book": book.slug}, format="json")
    assert created.status_code == 201 and created.json()["total_pages"] == 200
    url = f"{V1}/me/progress/{created.json()['id']}/"
    assert reader_api.patch(url, {"current_page": 50}, format="json").json()["percentage"] == 25
    too_far = reader_api.patch(url, {"current_page": 500}, format="json")
    assert too_far.status_code == 422
    assert too_far.json()["fields"]["current_page"] == ["A página atual não pode passar do total de páginas."]
    assert reader_api.post(f"{url}abandon/").json()["is_abandoned"] is True
    assert BookShelf.objects.get(user=reader, book=book).shelf_type == "abandoned"


def test_someone_elses_progress_is_403(other_api):
    progress = ReadingProgressFactory()
    assert other_api.patch(f"{V1}/me/progress/{progress.pk}/", {"current_page": 1}, format="json").status_code == 403
    assert ReadingProgress.objects.get(pk=progress.pk).current_page == 50


# --- Debates ------------------------------------------------------------------------------


def test_topic_create_and_list(reader_api):
    book = BookFactory()
    payload = {"book": book.slug, "title": "Final do livro", "first_post": "O que acharam?"}
    created = reader_api.post(f"{V1}/topics/", payload, format="json")
    assert created.status_code == 201 and created.json()["posts_count"] == 1
    listed = reader_api.get(f"{V1}/topics/?book={book.slug}").json()
    assert [t["slug"] for t in listed["results"]] == [created.json()["slug"]]
    short = reader_api.post(f"{V1}/topics/", {**payload, "title": "Oi"}, format="json")
    assert short.status_code == 422 and "title" in short.json()["fields"]


def test_topic_list_answers_304_to_a_matching_etag(api, django_capture_on_commit_callbacks):
    DebateTopicFactory()
    first = api.get(f"{V1}/topics/")
    assert api.get(f"{V1}/topics/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        DebateTopicFactory()
    assert api.get(f"{V1}/topics/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_posts_nest_replies_and_page_like_the_topic_page(api, settings):
    settings.POSTS_PAGE_SIZE = 2
    topic = DebateTopicFactory()
    roots = DebatePostFactory.create_batch(3, topic=topic)
    reply = DebatePostFactory(topic=topic, parent=roots[0])
    DebatePostFactory(topic=topic, parent=reply)
    first = api.get(f"{V1}/topics/{topic.slug}/posts/").json()
    assert [p["id"] for p in first["results"]] == [roots[0].pk, roots[1].pk] and first["count"] == 3
    replies = first["results"][0]["replies"]
    assert [(r["parent_id"], r["depth"]) for r in replies] == [(roots[0].pk, 1), (reply.pk, 2)]
    second = api.get(first["next"]).json()
    assert [p["id"] for p in second["results"]] == [roots[2].pk] and second["next"] is None
    newest = api.get(f"{V1}/topics/{topic.slug}/posts/?ordem=recentes").json()
    assert newest["results"][0]["id"] == roots[2].pk


def test_post_reply_edit_delete_own(reader_api, other_api):
    topic = DebateTopicFactory()
    created = reader_api.post(f"{V1}/topics/{topic.slug}/posts/", {"content": "Primeira"}, format="json")
    assert created.status_code == 201
    post_url = f"{V1}/posts/{created.json()['id']}/"
    reply = other_api.post(f"{post_url}replies/", {"content": "Resposta"}, format="json")
    assert reply.status_code == 201 and reply.json()["parent_id"] == created.json()["id"]
    assert reader_api.patch(post_url, {"content": "Editada"}, format="json").json()["content"] == "Editada"
    assert other_api.patch(post_url, {"content": "Não"}, format="json").status_code == 403
    assert other_api.delete(post_url).status_code == 403
    assert reader_api.delete(post_url).status_code == 204
    assert DebatePost.objects.get(pk=created.json()["id"]).is_deleted


def test_locked_topic_refuses_posts_with_409(reader_api):
    topic = DebateTopicFactory(is_locked=True)
    response = reader_api.post(f"{V1}/topics/{topic.slug}/posts/", {"content": "Oi"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "Este debate está trancado e não aceita novas mensagens."
    assert DebateTopic.objects.get(pk=topic.pk).posts_count == 0


def test_vote_up_down_toggle(reader_api, reader):
    post = DebatePostFactory()
    url = f"{V1}/posts/{post.pk}/vote/"
    up = reader_api.post(url, {"value": 1}, format="json").json()
    assert up == {"post_id": post.pk, "my_vote": 1, "votes_score": 1}
    assert reader_api.post(url, {"value": -1}, format="json").json()["votes_score"] == -1
    assert reader_api.post(url, {"value": -1}, format="json").json() == {
        "post_id": post.pk,
        "my_vote": None,
        "votes_score": 0,
    }
    assert reader_api.post(url, {"value": 2}, format="json").status_code == 400
    own = DebatePostFactory(author=reader)
    assert reader_api.post(f"{V1}/posts/{own.pk}/vote/", {"value": 1}, format="json").status_code == 422


# --- Auth, rate limits, tokens, docs --------------------------------------------------------


def test_rate_limit_answers_like_the_site(reader_api, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "vote": "1/h"}
    post = DebatePostFactory()
    assert reader_api.post(f"{V1}/posts/{post.pk}/vote/", {"value": 1}, format="json").status_code == 200
    response = reader_api.post(f"{V1}/posts/{post.pk}/vote/", {"value": 1}, format="json")
    assert response.status_code == 429
    assert response.json() == {"error": "Limite de requisições excedido. Tente novamente mais tarde.", "status": 429}
    assert int(response["Retry-After"]) > 0


def test_session_auth_enforces_csrf(client, user):
    from rest_framework.test import APIClient

    api = APIClient(enforce_csrf_checks=True)
    api.force_login(user)
    book = BookFactory()
    response = api.post(f"{V1}/me/shelves/", {"book": book.slug, "shelf_type": "read"}, format="json")
    assert response.status_code == 403
    assert api.get(f"{V1}/me/shelves/").status_code == 200


def test_token_page_needs_login(client):
    assert client.get(reverse("api:tokens")).status_code == 302


def test_revoked_token_is_refused(reader_api, reader):
    from api.services import tokens_revoke_all

    tokens_revoke_all(user=reader)
    assert reader_api.get(f"{V1}/me/shelves/").status_code == 401


def test_docs_are_served_without_a_cdn(api):
    for name in ("api:docs", "api:redoc"):
        html = api.get(reverse(name)).content.decode()
        assert "drf_spectacular_sidecar" in html and "cdn" not in html.lower()


def test_recommendations_mine_and_similar(reader_api, api):
    book = BookFactory()
    assert reader_api.get(f"{V1}/me/recommendations/").status_code == 200
    assert api.get(f"{V1}/me/recommendations/").status_code == 401
    assert api.get(f"{V1}/books/{book.slug}/similar/").json() == []
