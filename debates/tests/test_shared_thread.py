"""A topic page's posts are rendered once per version and shared by every signed-in reader;
each reader's votes, links and unread marks are filled in, and their own writes show at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import UserFactory
from debates import cache as debates_cache
from debates.models import DebatePost, DebateTopic
from debates.tests.factories import DebatePostFactory, DebateTopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_at_once")]


@pytest.fixture
def thread():
    topic = DebateTopicFactory()
    author, other = UserFactory(), UserFactory()
    posts = [DebatePostFactory(topic=topic, author=author), DebatePostFactory(topic=topic, author=other)]
    DebateTopic.objects.filter(pk=topic.pk).update(last_activity_at=posts[-1].created_at)
    topic.refresh_from_db()
    return topic, author, other, posts


def _page(client, user, topic) -> str:
    client.force_login(user)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "<!--viewer:" not in html
    return html


def test_each_reader_gets_their_own_links_on_the_shared_thread(client, thread):
    topic, author, other, posts = thread
    edit = reverse("debates:post_edit", kwargs={"pk": posts[0].pk})
    report = reverse("moderation:post_report", kwargs={"pk": posts[0].pk})
    theirs = _page(client, other, topic)  # renders and caches the shared thread
    assert edit not in theirs and report in theirs
    mine = _page(client, author, topic)
    assert edit in mine and report not in mine
    assert reverse("debates:post_vote", kwargs={"pk": posts[0].pk}) not in mine  # no vote on one's own post
    assert reverse("debates:post_vote", kwargs={"pk": posts[1].pk}) in mine


def test_a_vote_shows_to_the_voter_on_the_next_request_and_the_score_to_everyone(
    client, thread, django_capture_on_commit_callbacks
):
    topic, author, other, posts = thread
    _page(client, UserFactory(), topic)
    client.force_login(other)
    vote_url = reverse("debates:post_vote", kwargs={"pk": posts[0].pk})
    with django_capture_on_commit_callbacks(execute=True):  # the cache versions move on commit
        assert client.post(vote_url, {"value": "1"}).status_code == 302
    mine = _page(client, other, topic)
    widget = mine[mine.index(f'id="vote-{posts[0].pk}"') :][:1200]
    assert 'class="vote-up" aria-pressed="true"' in widget and '<span class="score">1</span>' in widget
    someone = _page(client, UserFactory(), topic)
    widget = someone[someone.index(f'id="vote-{posts[0].pk}"') :][:1200]
    assert 'class="vote-up" aria-pressed="false"' in widget and '<span class="score">1</span>' in widget


def test_a_new_post_shows_to_its_author_on_the_next_request(client, thread, django_capture_on_commit_callbacks):
    topic, author, other, posts = thread
    _page(client, author, topic)
    client.force_login(author)
    create = reverse("debates:post_create", kwargs={"slug": topic.slug})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(create, {"content": "Uma resposta nova e única."}).status_code == 302
    assert "Uma resposta nova e única." in _page(client, author, topic)


def test_unread_marks_are_each_readers_own(client, thread, django_capture_on_commit_callbacks):
    topic, author, other, posts = thread
    _page(client, other, topic)  # other has read the topic; the shared thread is cached
    later = timezone.now() + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        post = DebatePostFactory(topic=topic, author=author)
        DebatePost.objects.filter(pk=post.pk).update(created_at=later)
        DebateTopic.objects.filter(pk=topic.pk).update(last_activity_at=later)
        debates_cache.flush_topic(topic.pk)
    client.force_login(other)
    response = client.get(topic.get_absolute_url())
    html = response.content.decode()
    assert html.count('class="badge new"') == 1  # only the post written after their visit
    assert 'id="primeira-nao-lida"' in html
    assert f'id="post-{post.pk}" class="post depth-0 unread"' in html
    again = _page(client, other, topic)  # the visit marked the topic read
    assert 'class="badge new"' not in again and 'id="primeira-nao-lida"' not in again


def test_a_locked_topic_offers_no_reply_link_even_from_a_shared_thread(client, thread):
    topic, author, other, posts = thread
    reply = reverse("debates:post_create", kwargs={"slug": topic.slug}) + f"?resposta={posts[0].pk}"
    assert reply in _page(client, other, topic)
    DebateTopic.objects.filter(pk=topic.pk).update(is_locked=True)
    assert reply not in _page(client, other, topic)


def test_the_list_rows_are_rendered_once_and_each_reader_gets_their_own_unread_badges(client, thread, monkeypatch):
    topic, author, other, posts = thread
    import debates.views

    renders = []
    original = debates.views.render_to_string
    monkeypatch.setattr(
        debates.views, "render_to_string", lambda name, *a, **k: renders.append(name) or original(name, *a, **k)
    )
    _page(client, other, topic)  # other reads the topic
    later = timezone.now() + timedelta(minutes=1)
    DebateTopic.objects.filter(pk=topic.pk).update(last_activity_at=later)
    first_unread = reverse("debates:topic_first_unread", kwargs={"slug": topic.slug})
    readers = {other: True, UserFactory(date_joined=later + timedelta(minutes=1)): False}
    for reader, has_news in readers.items():
        client.force_login(reader)
        html = client.get(reverse("debates:topic_list")).content.decode()
        assert (first_unread in html) is has_news and "<!--viewer:" not in html
    assert renders.count("debates/_topic_rows.html") == 1


@pytest.mark.parametrize("locked", [False, True])
def test_the_per_page_template_of_a_posts_actions_renders_what_the_widgets_do(locked):
    from debates import widgets
    from debates.selectors import PostNode

    topic = DebateTopicFactory(is_locked=locked)
    reply_url = widgets.reply_url(topic)
    actions = widgets.shared_post_actions(topic_id=topic.pk, reply_url=reply_url)
    for pk, author_id, score in ((7, 3, 0), (918273645, 827364591, -12), (12, 12, 1)):
        node = PostNode(pk, None, author_id, "autor", "texto", timezone.now(), None, False, score)
        vote = widgets.vote_widget(node, viewer=widgets._Reader, my_vote=None)
        expected = widgets.post_actions(pk, vote, reply_url=reply_url, is_author=False)
        opening = f"<!--slot:post_actions:{pk}:{author_id}:{score}:{0 if locked else topic.pk}-->"
        assert actions(node) == f"{opening}{expected}<!--/slot-->"
