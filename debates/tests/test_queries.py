"""Query counts of the debates pages: the same exact number at 10 and at 200 rows.

Cold = empty cache; warm = the same request again. Logged-in counts include the user row
(the session is read from the cache), the reader's read marks (the list: one query for the
page's topics; the topic page: one for the topic, plus one upsert when there is something
new), and on the topic page the viewer's votes and the follow panel. The
page header's unread-notifications counter costs one query cold and none warm (cached).
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from debates.models import DebatePost, DebateTopic, DebateVote, TopicRead
from debates.tests.factories import DebatePostFactory, DebateTopicFactory

pytestmark = pytest.mark.django_db

SIZES = [10, 200]


def make_topics(count: int) -> None:
    books = BookFactory.create_batch(max(1, count // 4))
    creators = UserFactory.create_batch(max(1, count // 5))
    for i in range(count):
        DebateTopicFactory(book=books[i % len(books)], creator=creators[i % len(creators)], is_pinned=i % 7 == 0)


def make_topic_with_posts(count: int, viewer):
    """`count` posts: half top-level, the rest replies up to 3 deep, voted on by many readers."""
    topic = DebateTopicFactory()
    authors = UserFactory.create_batch(max(2, count // 10))
    roots = [DebatePostFactory(topic=topic, author=authors[i % len(authors)]) for i in range(count // 2)]
    posts = list(roots)
    parents = list(roots)
    while len(posts) < count:
        parent = parents[len(posts) % len(parents)]
        reply = DebatePostFactory(topic=topic, author=authors[len(posts) % len(authors)], parent=parent)
        posts.append(reply)
        if len(posts) % 3:
            parents.append(reply)
    voters = [*authors, viewer]
    DebateVote.objects.bulk_create(
        DebateVote(user=voter, post=post, value=1 if (i + j) % 3 else -1)
        for i, post in enumerate(posts)
        for j, voter in enumerate(voters)
        if voter.pk != post.author_id and (i + j) % 2
    )
    return topic


def request_twice(client, url, django_assert_num_queries, cold: int, warm: int) -> None:
    with django_assert_num_queries(cold):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(warm):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_topic_list_queries_anonymous(client, django_assert_num_queries, size):
    make_topics(size)
    # cold: count + one page of topics with book and creator; warm: nothing.
    request_twice(client, reverse("debates:topic_list"), django_assert_num_queries, cold=2, warm=0)


@pytest.mark.parametrize("size", SIZES)
def test_topic_list_queries_logged_in(auth_client, django_assert_num_queries, size):
    make_topics(size)
    # Cold: + the user row (then the user comes from the cache, as the session does) + the
    # reader's read marks (then cached: core.personal.reader_facts) + the unread topics' slugs
    # (then kept by the process) + the header's notifications counter.
    request_twice(auth_client, reverse("debates:topic_list"), django_assert_num_queries, cold=6, warm=0)


@pytest.mark.parametrize("size", SIZES)
def test_topic_list_unread_flags_cost_one_query_at_any_size(client, django_assert_num_queries, size):
    reader = UserFactory(date_joined=timezone.now() - timedelta(days=1))
    make_topics(size)
    seen = list(DebateTopic.objects.order_by("-is_pinned", "-last_activity_at")[:20:2])
    TopicRead.objects.bulk_create(TopicRead(user=reader, topic=topic, read_at=timezone.now()) for topic in seen)
    client.force_login(reader)
    # count, page, user, read marks (then cached: core.personal.reader_facts), the unread
    # topics' slugs (then kept by the process), header counter
    with django_assert_num_queries(6):
        html = client.get(reverse("debates:topic_list")).content.decode()
    shown = min(size, 20)  # DEBATES_PAGE_SIZE
    assert html.count("topic-row unread") + html.count("pinned unread") == shown - len(seen)


@pytest.mark.parametrize("sort", ["em-alta", "novos"])
@pytest.mark.parametrize("size", SIZES)
def test_sorted_topic_list_queries(client, django_assert_num_queries, size, sort):
    make_topics(size)
    url = f"{reverse('debates:topic_list')}?ordem={sort}"
    request_twice(client, url, django_assert_num_queries, cold=2, warm=0)


@pytest.mark.parametrize("size", SIZES)
def test_topic_list_filtered_by_book_queries(client, django_assert_num_queries, size):
    make_topics(size)
    book = BookFactory()
    DebateTopicFactory.create_batch(3, book=book)
    url = f"{reverse('debates:topic_list')}?livro={book.slug}"
    request_twice(client, url, django_assert_num_queries, cold=2, warm=0)


@pytest.mark.parametrize("size", SIZES)
def test_topic_page_queries_anonymous(client, django_assert_num_queries, size):
    topic = make_topic_with_posts(size, UserFactory())
    url = reverse("debates:topic_detail", kwargs={"slug": topic.slug})
    # cold: topic+book+creator, count of threads, top-level posts, their replies; warm: the topic.
    request_twice(client, url, django_assert_num_queries, cold=4, warm=1)


@pytest.mark.parametrize("size", SIZES)
def test_topic_page_queries_logged_in(auth_client, user, django_assert_num_queries, size, on_commit_at_once):
    topic = make_topic_with_posts(size, user)
    url = reverse("debates:topic_detail", kwargs={"slug": topic.slug})
    # Rendered for the reader alone (no shared pages here): the topic, whether they follow it,
    # their facts (core.personal.reader_facts: read marks, votes; then cached). Cold: + the
    # user (then cached) + the topic's slug (then kept by the process) + one upsert of the
    # read mark (the topic is new to the reader, added on purpose) + the header counter and
    # the tree; warm: the read marks come from the facts the visit carried along
    # (core.personal.amend_facts), nothing new, so no write.
    request_twice(auth_client, url, django_assert_num_queries, cold=11, warm=2)
    assert 'aria-pressed="true"' in auth_client.get(url).content.decode()  # the viewer's own votes


@pytest.mark.parametrize("size", SIZES)
def test_topic_page_sorted_by_votes_queries(client, django_assert_num_queries, size):
    topic = make_topic_with_posts(size, UserFactory())
    url = f"{reverse('debates:topic_detail', kwargs={'slug': topic.slug})}?ordem=votados"
    request_twice(client, url, django_assert_num_queries, cold=4, warm=1)


@pytest.mark.parametrize("size", SIZES)
def test_topic_page_renders_every_reply_of_the_page_threads(client, size):
    topic = make_topic_with_posts(size, UserFactory())
    html = client.get(reverse("debates:topic_detail", kwargs={"slug": topic.slug})).content.decode()
    roots = DebatePost.objects.filter(topic=topic, parent=None).order_by("created_at", "id")
    shown_roots = roots[: settings.POSTS_PAGE_SIZE]
    expected = DebatePost.objects.filter(topic=topic, root__in=shown_roots).count() + len(shown_roots)
    assert html.count('class="post ') == expected


def test_warm_topic_page_reads_the_tree_from_the_cache(client):
    topic = make_topic_with_posts(10, UserFactory())
    url = reverse("debates:topic_detail", kwargs={"slug": topic.slug})
    client.get(url)
    assert any(key.startswith(f"debates:topic:{topic.pk}:") for key in cache.iter_keys("debates:topic:*"))
