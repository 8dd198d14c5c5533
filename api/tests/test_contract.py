"""The site and the API are two adapters of the same services: the same case is refused
the same way (status and pt-BR message) through both.

Each case builds its data for a reader and returns the web request and the API request;
the status comes from core.errors (422 a broken rule, 409 a conflict, 403 not allowed,
429 flood control).
"""

import html

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.selectors import review_share_token
from accounts.tests.factories import BookReviewFactory, ReadingProgressFactory
from catalog.tests.factories import BookFactory
from core.privacy import Visibility
from core.tests.factories import UserFactory
from debates import services as debate_services
from debates.models import DebatePost, DebateTopic
from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from moderation import services as moderation_services
from moderation.models import DebateSuspension

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def reply_to_another_topic(reader):
    topic, stranger = DebateTopicFactory(), DebatePostFactory()
    web = (
        "post",
        reverse("debates:post_create", kwargs={"slug": topic.slug}),
        {"content": "Oi", "parent": stranger.pk},
    )
    api = ("post", f"{V1}/topics/{topic.slug}/posts/", {"content": "Oi", "parent": stranger.pk})
    return web, api, 422, "A mensagem respondida não pertence a este debate."


def reply_to_a_hidden_post(reader):
    post = DebatePostFactory()
    moderation_services.post_hide(post=post, actor=UserFactory(is_staff=True), reason="spam")
    web = (
        "post",
        reverse("debates:post_create", kwargs={"slug": post.topic.slug}),
        {"content": "Oi", "parent": post.pk},
    )
    api = ("post", f"{V1}/topics/{post.topic.slug}/posts/", {"content": "Oi", "parent": post.pk})
    return web, api, 422, "Não é possível responder a uma mensagem excluída."


def post_in_a_locked_topic(reader):
    topic = DebateTopicFactory(is_locked=True)
    web = ("post", reverse("debates:post_create", kwargs={"slug": topic.slug}), {"content": "Oi"})
    api = ("post", f"{V1}/topics/{topic.slug}/posts/", {"content": "Oi"})
    return web, api, 409, "Este debate está trancado e não aceita novas mensagens."


def post_while_suspended(reader):
    DebateSuspension.objects.create(user=reader, reason="insultos")
    topic = DebateTopicFactory()
    web = ("post", reverse("debates:post_create", kwargs={"slug": topic.slug}), {"content": "Oi"})
    api = ("post", f"{V1}/topics/{topic.slug}/posts/", {"content": "Oi"})
    return web, api, 403, "Você está suspenso dos debates: insultos"


def topic_with_a_first_post_within_the_flood_interval(reader):
    debate_services.post_create(topic=DebateTopicFactory(), author=reader, content="Acabei de postar")
    book = BookFactory()
    data = {"title": "Um debate novo", "description": "", "first_post": "E outra mensagem"}
    web = ("post", reverse("debates:topic_create", kwargs={"book_slug": book.slug}), data)
    api = ("post", f"{V1}/topics/", {**data, "book": book.slug})
    return web, api, 429, None


def edit_someone_elses_post(reader):
    post = DebatePostFactory()
    web = ("post", reverse("debates:post_edit", kwargs={"pk": post.pk}), {"content": "Mudei"})
    api = ("patch", f"{V1}/posts/{post.pk}/", {"content": "Mudei"})
    return web, api, 403, "Você só pode editar as suas próprias mensagens."


def helpful_on_an_unlisted_review(reader):
    review = BookReviewFactory(visibility=Visibility.UNLISTED)
    token = review_share_token(review)
    web = ("post", reverse("accounts:review_helpful", kwargs={"pk": review.pk}), {"k": token})
    api = ("post", f"{V1}/reviews/{review.pk}/helpful/?k={token}", {})
    return web, api, 422, "Só resenhas públicas podem ser marcadas como úteis."


def helpful_on_my_own_review(reader):
    review = BookReviewFactory(user=reader)
    web = ("post", reverse("accounts:review_helpful", kwargs={"pk": review.pk}), {})
    api = ("post", f"{V1}/reviews/{review.pk}/helpful/", {})
    return web, api, 403, "Você não pode marcar a sua própria resenha como útil."


def progress_of_another_reader(reader):
    progress = ReadingProgressFactory()
    web = ("post", reverse("accounts:progress_update", kwargs={"pk": progress.pk}), {"current_page": 60})
    api = ("patch", f"{V1}/me/progress/{progress.pk}/", {"current_page": 60})
    return web, api, 403, "Este progresso de leitura é de outro leitor."


CASES = [
    reply_to_another_topic,
    reply_to_a_hidden_post,
    post_in_a_locked_topic,
    post_while_suspended,
    topic_with_a_first_post_within_the_flood_interval,
    edit_someone_elses_post,
    helpful_on_an_unlisted_review,
    helpful_on_my_own_review,
    progress_of_another_reader,
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_site_and_api_refuse_alike(case, client, settings):
    settings.DEBATES_POST_MIN_INTERVAL_SECONDS = 15
    reader = UserFactory()
    web, api, status, message = case(reader)
    posts, topics = DebatePost.objects.count(), DebateTopic.objects.count()

    client.force_login(reader)
    web_method, web_url, web_data = web
    page = getattr(client, web_method)(web_url, web_data)
    api_client = APIClient()
    api_client.force_authenticate(reader)
    api_method, api_url, api_data = api
    answer = getattr(api_client, api_method)(api_url, api_data, format="json")

    assert (page.status_code, answer.status_code) == (status, status)
    if message:
        assert message in html.unescape(page.content.decode())
        assert answer.json()["error"] == message
    if status == 429:
        assert page["Retry-After"] and answer["Retry-After"]
    # Refused means nothing written, through either door.
    assert (DebatePost.objects.count(), DebateTopic.objects.count()) == (posts, topics)
