"""Rules of writing posts that are not moderation's: the edit history and flood control."""

import pytest
from django.test import Client
from django.urls import reverse

from core.tests.factories import UserFactory
from debates import services
from debates.models import DebatePost, PostEdit
from debates.tests.factories import DebatePostFactory, DebateTopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return UserFactory(is_staff=True)


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def topic_url(topic) -> str:
    return reverse("debates:topic_detail", kwargs={"slug": topic.slug})


# --- edit history ---------------------------------------------------------------------------


def test_edit_history_is_kept_and_shown_to_moderators_only(client, user, mod_client):
    post = DebatePostFactory(author=user, content="Primeira versão")
    services.post_update(post=post, editor=user, content="Segunda versão")
    services.post_update(post=post, editor=user, content="Segunda versão")  # unchanged: no entry
    assert list(PostEdit.objects.values_list("old_content", flat=True)) == ["Primeira versão"]
    url = reverse("debates:post_history", kwargs={"pk": post.pk})

    client.force_login(user)
    assert client.get(url).status_code == 403
    html = mod_client.get(url).content.decode()
    assert "Primeira versão" in html and "Segunda versão" in html
    assert url in mod_client.get(topic_url(post.topic)).content.decode()


def test_history_escapes_old_text(mod_client, moderator):
    post = DebatePostFactory(content="<script>alert(1)</script>")
    services.post_update(post=post, editor=moderator, content="limpo")
    html = mod_client.get(reverse("debates:post_history", kwargs={"pk": post.pk})).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


# --- flood control -----------------------------------------------------------------------


def test_second_post_within_the_interval_is_429_with_retry_after(auth_client, settings):
    settings.DEBATES_POST_MIN_INTERVAL_SECONDS = 15
    topic = DebateTopicFactory()
    url = reverse("debates:post_create", kwargs={"slug": topic.slug})
    assert auth_client.post(url, {"content": "primeira"}).status_code == 302
    response = auth_client.post(url, {"content": "segunda"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 15
    assert DebatePost.objects.count() == 1


def test_moderators_bypass_the_post_interval(mod_client, settings):
    settings.DEBATES_POST_MIN_INTERVAL_SECONDS = 15
    topic = DebateTopicFactory()
    url = reverse("debates:post_create", kwargs={"slug": topic.slug})
    assert mod_client.post(url, {"content": "primeira"}).status_code == 302
    assert mod_client.post(url, {"content": "segunda"}).status_code == 302
    assert DebatePost.objects.count() == 2


def test_a_refused_post_does_not_start_the_interval(auth_client, settings):
    settings.DEBATES_POST_MIN_INTERVAL_SECONDS = 15
    url = reverse("debates:post_create", kwargs={"slug": DebateTopicFactory().slug})
    assert auth_client.post(url, {"content": ""}).status_code == 400
    assert auth_client.post(url, {"content": "agora sim"}).status_code == 302
