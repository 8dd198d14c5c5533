import pytest
from django.core.cache import cache

from core.tests.factories import UserFactory
from debates import selectors
from debates.tests.factories import DebatePostFactory, DebateTopicFactory, DebateVoteFactory

pytestmark = pytest.mark.django_db


def test_post_page_orders_threads_depth_first_with_depths():
    topic = DebateTopicFactory()
    a = DebatePostFactory(topic=topic)
    b = DebatePostFactory(topic=topic)
    a1 = DebatePostFactory(topic=topic, parent=a)
    a1x = DebatePostFactory(topic=topic, parent=a1)
    a2 = DebatePostFactory(topic=topic, parent=a)
    chain = [a1x]
    for _ in range(4):
        chain.append(DebatePostFactory(topic=topic, parent=chain[-1]))
    deep = chain[-1]
    page = selectors.topic_post_page(topic_id=topic.pk)
    assert [node.id for node in page.nodes] == [a.pk, a1.pk, *(p.pk for p in chain), a2.pk, b.pk]
    depths = {node.id: node.depth for node in page.nodes}
    assert (depths[a.pk], depths[a1.pk], depths[a1x.pk], depths[a2.pk], depths[deep.pk]) == (0, 1, 2, 1, 6)
    assert max(node.indent for node in page.nodes) == selectors.MAX_INDENT


def test_post_page_paginates_by_threads(settings):
    settings.POSTS_PAGE_SIZE = 2
    topic = DebateTopicFactory()
    roots = DebatePostFactory.create_batch(3, topic=topic)
    DebatePostFactory.create_batch(4, topic=topic, parent=roots[0])
    first = selectors.topic_post_page(topic_id=topic.pk, page_number=1)
    second = selectors.topic_post_page(topic_id=topic.pk, page_number=2)
    assert (len(first.nodes), first.num_pages, first.has_next) == (6, 2, True)
    assert [node.id for node in second.nodes] == [roots[2].pk]
    assert selectors.topic_post_page(topic_id=topic.pk, page_number=3).number == 2  # past the end: the last


def test_deleted_post_text_never_reaches_the_cache():
    post = DebatePostFactory(content="não deveria ficar", is_deleted=True)
    page = selectors.topic_post_page(topic_id=post.topic_id)
    assert page.nodes[0].content == ""
    cached = [cache.get(key) for key in cache.iter_keys(f"debates:topic:{post.topic_id}:*")]
    assert cached and "não deveria ficar" not in repr(cached)


def test_user_votes_are_only_the_viewers():
    viewer = UserFactory()
    up, down, other = DebatePostFactory.create_batch(3)
    DebateVoteFactory(user=viewer, post=up, value=1)
    DebateVoteFactory(user=viewer, post=down, value=-1)
    DebateVoteFactory(post=other, value=1)
    assert selectors.user_votes(user=viewer, post_ids=[up.pk, down.pk, other.pk]) == {up.pk: 1, down.pk: -1}


def _plan(queryset) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny test tables: ask whether the index fits
        return queryset.explain()


def test_page_queries_have_their_indexes():
    from debates.models import DebatePost, DebateTopic

    replies = DebatePost.objects.filter(root_id__in=[1, 2]).order_by("created_at")
    assert "debates_post_root_created_idx" in _plan(replies)
    assert "debates_topic_list_idx" in _plan(DebateTopic.objects.order_by("-is_pinned", "-last_activity_at")[:20])
    assert "debates_topic_book_idx" in _plan(DebateTopic.objects.filter(book_id=1).order_by("-last_activity_at")[:5])


def _ordered_plan(queryset) -> str:
    """Like _plan, and the order must come from an index (the statistics that other tests
    leave on these tiny tables can make a sort look cheaper than the index)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
    return _plan(queryset)


def test_sorted_pages_and_read_marks_have_their_indexes():
    from debates.models import DebatePost, DebateTopic, TopicRead

    hot = DebateTopic.objects.order_by(*selectors.TOPIC_SORTS["em-alta"][1])[:20]
    assert "debates_topic_hot_idx" in _ordered_plan(hot)
    new = DebateTopic.objects.order_by(*selectors.TOPIC_SORTS["novos"][1])[:20]
    assert "debates_topic_new_idx" in _ordered_plan(new)
    top = DebatePost.objects.filter(topic_id=1, parent__isnull=True).order_by(*selectors.POST_SORTS["votados"][1])
    assert "debates_post_topic_top_idx" in _ordered_plan(top[:50])
    reads = TopicRead.objects.filter(user_id=1, topic_id__in=[1, 2, 3])
    assert "debates_read_unique_user_topic" in _plan(reads)
    assert "debates_read_read_at_idx" in _plan(TopicRead.objects.filter(read_at__lt="2020-01-01"))


def test_hidden_post_text_never_reaches_the_cache():
    post = DebatePostFactory(content="texto oculto", is_hidden=True, hidden_reason="spam")
    page = selectors.topic_post_page(topic_id=post.topic_id)
    assert (page.nodes[0].content, page.nodes[0].hidden_reason) == ("", "spam")
    cached = [cache.get(key) for key in cache.iter_keys(f"debates:topic:{post.topic_id}:*")]
    assert cached and "texto oculto" not in repr(cached)


@pytest.mark.parametrize("sort", list(selectors.POST_SORTS))
def test_pages_near_the_end_are_read_backwards_and_match_the_order(settings, sort):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from debates.models import DebatePost

    settings.POSTS_PAGE_SIZE = 2
    topic = DebateTopicFactory()
    roots = [DebatePostFactory(topic=topic) for _ in range(7)]
    start = timezone.now() - timedelta(days=1)
    for i, post in enumerate(roots):  # two share a time: the id breaks the tie
        DebatePost.objects.filter(pk=post.pk).update(created_at=start + timedelta(minutes=i // 2), wilson_score=i % 3)
    DebatePostFactory(topic=topic, parent=roots[6])
    in_order = list(
        DebatePost.objects.filter(topic=topic, parent=None)
        .order_by(*selectors.POST_SORTS[sort][1])
        .values_list("id", flat=True)
    )
    shown = []
    for number in range(1, 5):
        with CaptureQueriesContext(connection) as queries:
            page = selectors.topic_post_page(topic_id=topic.pk, page_number=number, sort=sort)
        assert (page.number, page.num_pages, page.count) == (number, 4, 7)
        shown += [node.id for node in page.nodes if node.depth == 0]
        page_query = [query["sql"] for query in queries if "LIMIT" in query["sql"]][-1]  # after page 1's
        assert ("OFFSET" not in page_query) is (number in (1, 4))  # the first and the last skip nothing
        cache.delete_pattern("*")
    assert shown == in_order
    assert selectors.topic_post_page(topic_id=topic.pk, page_number=99, sort=sort).number == 4


def test_a_readers_votes_are_their_facts_until_too_many_to_cache(monkeypatch):
    reader = UserFactory()
    up, down = DebateVoteFactory(user=reader, value=1), DebateVoteFactory(user=reader, value=-1)
    DebateVoteFactory()  # someone else's
    assert selectors.reader_votes(reader.pk) == {up.post_id: 1, down.post_id: -1}
    monkeypatch.setattr(selectors, "VOTES_MAX", 1)
    assert selectors.reader_votes(reader.pk) is None
