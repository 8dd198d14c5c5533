"""Unread tracking: read marks per reader and topic, the cutoff, the jump, the prune."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import UserFactory
from debates import services, tasks
from debates.models import DebatePost, TopicRead
from debates.tests.factories import DebatePostFactory, DebateTopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_at_once")]

LIST = "debates:topic_list"


def topic_url(topic) -> str:
    return reverse("debates:topic_detail", kwargs={"slug": topic.slug})


@pytest.fixture
def reader(client):
    user = UserFactory(date_joined=timezone.now() - timedelta(days=60))
    client.force_login(user)
    return user


def age(post, **delta) -> None:
    DebatePost.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(**delta))


def test_topic_with_news_is_marked_until_the_reader_opens_it(client, reader):
    topic = DebateTopicFactory()
    services.post_create(topic=topic, author=UserFactory(), content="novidade")
    assert "Novas mensagens" in client.get(reverse(LIST)).content.decode()

    assert client.get(topic_url(topic)).status_code == 200

    assert TopicRead.objects.get(user=reader, topic=topic).read_at == topic.__class__.objects.get().last_activity_at
    assert "Novas mensagens" not in client.get(reverse(LIST)).content.decode()


def test_own_post_does_not_make_the_topic_unread(client, reader):
    topic = DebateTopicFactory()
    services.post_create(topic=topic, author=reader, content="minha opinião")
    assert "Novas mensagens" not in client.get(reverse(LIST)).content.decode()


def test_activity_older_than_the_cutoff_counts_as_read(client, reader, settings):
    settings.DEBATES_READ_CUTOFF_DAYS = 7
    old = DebateTopicFactory(last_activity_at=timezone.now() - timedelta(days=8))
    fresh = DebateTopicFactory(last_activity_at=timezone.now() - timedelta(days=6))
    html = client.get(reverse(LIST)).content.decode()
    assert html.count("Novas mensagens") == 1
    assert reverse("debates:topic_first_unread", kwargs={"slug": fresh.slug}) in html
    assert reverse("debates:topic_first_unread", kwargs={"slug": old.slug}) not in html


def test_visitors_see_no_unread_marks(client):
    DebatePostFactory()
    assert "Novas mensagens" not in client.get(reverse(LIST)).content.decode()


def test_jump_goes_to_the_first_post_newer_than_the_last_visit(client, reader):
    topic = DebateTopicFactory()
    seen = DebatePostFactory(topic=topic)
    age(seen, hours=3)
    TopicRead.objects.create(user=reader, topic=topic, read_at=timezone.now() - timedelta(hours=2))
    first_new = services.post_create(topic=topic, author=UserFactory(), content="primeira nova")
    services.post_create(topic=topic, author=UserFactory(), content="segunda nova", parent_id=seen.pk)

    response = client.get(reverse("debates:topic_first_unread", kwargs={"slug": topic.slug}))

    assert response.status_code == 302
    assert response["Location"] == f"{topic_url(topic)}#post-{first_new.pk}"


def test_jump_lands_on_the_page_of_the_thread(client, reader, settings):
    settings.POSTS_PAGE_SIZE = 2
    topic = DebateTopicFactory()
    roots = DebatePostFactory.create_batch(3, topic=topic)
    for post in roots:
        age(post, hours=3)
    TopicRead.objects.create(user=reader, topic=topic, read_at=timezone.now() - timedelta(hours=2))
    reply = services.post_create(topic=topic, author=UserFactory(), content="resposta nova", parent_id=roots[2].pk)

    response = client.get(reverse("debates:topic_first_unread", kwargs={"slug": topic.slug}))

    assert response["Location"] == f"{topic_url(topic)}?pagina=2#post-{reply.pk}"


def test_topic_page_marks_new_posts_then_the_topic_read(client, reader):
    topic = DebateTopicFactory()
    seen = DebatePostFactory(topic=topic, content="já lida")
    age(seen, hours=3)
    TopicRead.objects.create(user=reader, topic=topic, read_at=timezone.now() - timedelta(hours=2))
    new = services.post_create(topic=topic, author=UserFactory(), content="nova")

    html = client.get(topic_url(topic)).content.decode()

    assert 'id="primeira-nao-lida"' in html
    assert html.index('id="primeira-nao-lida"') < html.index(f'id="post-{new.pk}"')
    assert html.index(f'id="post-{seen.pk}"') < html.index('id="primeira-nao-lida"')
    assert html.count('class="badge new"') == 1
    # Seen now: the second visit shows nothing new and writes nothing.
    html = client.get(topic_url(topic)).content.decode()
    assert 'id="primeira-nao-lida"' not in html


def test_jump_without_news_goes_to_the_topic(client, reader):
    topic = DebateTopicFactory()
    response = client.get(reverse("debates:topic_first_unread", kwargs={"slug": topic.slug}), {"desde": "x"})
    assert response.status_code == 302 and response["Location"] == topic_url(topic)


def test_prune_deletes_only_marks_older_than_the_cutoff(settings):
    settings.DEBATES_READ_CUTOFF_DAYS = 30
    old = TopicRead.objects.create(
        user=UserFactory(), topic=DebateTopicFactory(), read_at=timezone.now() - timedelta(days=31)
    )
    recent = TopicRead.objects.create(
        user=UserFactory(), topic=DebateTopicFactory(), read_at=timezone.now() - timedelta(days=29)
    )

    assert tasks.debates_reads_prune() == 1

    assert not TopicRead.objects.filter(pk=old.pk).exists()
    assert TopicRead.objects.filter(pk=recent.pk).exists()
