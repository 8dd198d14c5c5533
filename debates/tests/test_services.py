from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from debates import cache as debates_cache
from debates import selectors, services
from debates.models import DebatePost, DebateTopic, DebateVote
from debates.tests.factories import DebatePostFactory, DebateTopicFactory, DebateVoteFactory

pytestmark = pytest.mark.django_db


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --- topic_create ---------------------------------------------------------------------


def test_topic_create_slugifies_title_and_opens_with_first_post(user):
    book = BookFactory()
    topic = services.topic_create(
        book=book, creator=user, title="  Quem é o vilão?  ", description="Spoilers!", first_post="Eu acho..."
    )
    assert topic.slug == "quem-e-o-vilao"
    assert topic.title == "Quem é o vilão?"
    assert topic.posts_count == 1
    assert topic.posts.get().author == user


def test_topic_create_adds_a_suffix_when_the_slug_is_taken(user):
    book = BookFactory()
    first = services.topic_create(book=book, creator=user, title="O final", description="")
    second = services.topic_create(book=book, creator=user, title="O final!", description="")
    assert first.slug == "o-final"
    assert second.slug.startswith("o-final-") and second.slug != first.slug


def test_topic_create_never_takes_a_reserved_route_slug(user):
    topic = services.topic_create(book=BookFactory(), creator=user, title="Novo!", description="")
    assert topic.slug != "novo" and topic.slug.startswith("novo-")


@pytest.mark.parametrize(
    ("title", "description", "first_post", "field"),
    [
        ("Curt", "", None, "title"),
        ("     ", "", None, "title"),
        ("x" * 201, "", None, "title"),
        ("Bom título", "d" * 5001, None, "description"),
        ("Bom título", "", "   ", "first_post"),
        ("Bom título", "", "m" * 10001, "first_post"),
    ],
)
def test_topic_create_rejects_bad_input_without_writing(user, title, description, first_post, field):
    with pytest.raises(ValidationError) as excinfo:
        services.topic_create(
            book=BookFactory(), creator=user, title=title, description=description, first_post=first_post
        )
    assert field in excinfo.value.message_dict
    assert not DebateTopic.objects.exists()
    assert not DebatePost.objects.exists()


# --- post_create ------------------------------------------------------------------------


def test_post_create_counts_and_moves_last_activity(user):
    topic = DebateTopicFactory(last_activity_at=DebateTopicFactory().created_at - timedelta(days=3))
    before = topic.last_activity_at
    post = services.post_create(topic=topic, author=user, content="  Olá  ")
    topic.refresh_from_db()
    assert post.content == "Olá"
    assert topic.posts_count == 1
    assert topic.last_activity_at > before


def test_reply_keeps_the_thread_root_at_any_depth(user):
    topic = DebateTopicFactory()
    root = services.post_create(topic=topic, author=user, content="raiz")
    reply = services.post_create(topic=topic, author=user, content="1", parent_id=root.pk)
    deeper = services.post_create(topic=topic, author=user, content="2", parent_id=reply.pk)
    assert reply.root_id == root.pk and deeper.root_id == root.pk
    assert DebateTopic.objects.get(pk=topic.pk).posts_count == 3


def test_replies_deeper_than_the_cap_join_the_thread_at_the_cap(user, settings):
    settings.DEBATES_MAX_REPLY_DEPTH = 3
    topic = DebateTopicFactory()
    chain = [services.post_create(topic=topic, author=user, content="raiz")]
    for level in range(1, 7):
        chain.append(services.post_create(topic=topic, author=user, content=str(level), parent_id=chain[-1].pk))
    assert [post.depth for post in chain] == [0, 1, 2, 3, 3, 3, 3]
    # Each reply to a post at the cap became its sibling, under the post at depth 2.
    assert {post.parent_id for post in chain[3:]} == {chain[2].pk}
    page = selectors.topic_post_page(topic_id=topic.pk)
    assert max(node.depth for node in page.nodes) == 3 and len(page.nodes) == 7


def test_the_thread_page_stays_within_the_cap_for_rows_nested_deeper(user, settings):
    """Rows written before the cap (or by hand) may nest deeper: the page still shows them at the cap."""
    topic = DebateTopicFactory()
    chain = [DebatePostFactory(topic=topic)]
    for _ in range(40):
        chain.append(DebatePostFactory(topic=topic, parent=chain[-1]))
    settings.DEBATES_MAX_REPLY_DEPTH = 5
    page = selectors.topic_post_page(topic_id=topic.pk)
    assert [node.depth for node in page.nodes] == [0, 1, 2, 3, 4] + [5] * 36
    # A reply to the deepest row lands at the cap.
    reply = services.post_create(topic=topic, author=user, content="fundo", parent_id=chain[-1].pk)
    assert reply.depth == 5 and reply.parent.depth == 4


@pytest.mark.parametrize("content", ["", "   \n ", "x" * 10001])
def test_post_create_rejects_empty_or_too_long_content(user, content):
    topic = DebateTopicFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.post_create(topic=topic, author=user, content=content)
    assert "content" in excinfo.value.message_dict
    assert DebateTopic.objects.get(pk=topic.pk).posts_count == 0
    assert not DebatePost.objects.exists()


def test_locked_topic_refuses_new_posts(user):
    topic = DebateTopicFactory(is_locked=True)
    with pytest.raises(ValidationError) as excinfo:
        services.post_create(topic=topic, author=user, content="Olá")
    assert "Este debate está trancado e não aceita novas mensagens." in messages_of(excinfo)
    assert not DebatePost.objects.exists()
    assert DebateTopic.objects.get(pk=topic.pk).posts_count == 0


def test_topic_locked_after_it_was_loaded_still_refuses_the_post(user):
    topic = DebateTopicFactory()
    DebateTopic.objects.filter(pk=topic.pk).update(is_locked=True)  # e.g. a moderator, a moment ago
    with pytest.raises(ValidationError):
        services.post_create(topic=topic, author=user, content="Olá")
    assert not DebatePost.objects.exists()


def test_reply_to_a_post_of_another_topic_is_refused(user):
    other = DebatePostFactory()
    topic = DebateTopicFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.post_create(topic=topic, author=user, content="Olá", parent_id=other.pk)
    assert "parent" in excinfo.value.message_dict
    assert DebatePost.objects.count() == 1


def test_reply_to_a_deleted_post_is_refused(user):
    parent = DebatePostFactory(is_deleted=True)
    with pytest.raises(ValidationError) as excinfo:
        services.post_create(topic=parent.topic, author=user, content="Olá", parent_id=parent.pk)
    assert "excluída" in messages_of(excinfo)


# --- post_update / post_soft_delete ----------------------------------------------------


def test_author_edits_own_post_and_it_is_marked_edited():
    post = DebatePostFactory()
    services.post_update(post=post, editor=post.author, content="Nova versão")
    post.refresh_from_db()
    assert post.content == "Nova versão" and post.edited_at is not None


def test_someone_else_cannot_edit_a_post(user):
    post = DebatePostFactory(content="original")
    with pytest.raises(PermissionDenied):
        services.post_update(post=post, editor=user, content="invadido")
    post.refresh_from_db()
    assert post.content == "original" and post.edited_at is None


def test_moderator_edits_any_post():
    post = DebatePostFactory()
    services.post_update(post=post, editor=UserFactory(is_staff=True), content="moderado")
    assert DebatePost.objects.get(pk=post.pk).content == "moderado"


@pytest.mark.parametrize("content", ["", "x" * 10001])
def test_edit_rejects_bad_content(content):
    post = DebatePostFactory(content="original")
    with pytest.raises(ValidationError):
        services.post_update(post=post, editor=post.author, content=content)
    assert DebatePost.objects.get(pk=post.pk).content == "original"


def test_deleted_post_cannot_be_edited():
    post = DebatePostFactory(is_deleted=True)
    with pytest.raises(ValidationError):
        services.post_update(post=post, editor=post.author, content="volta")


def test_author_cannot_edit_in_a_locked_topic():
    post = DebatePostFactory(topic=DebateTopicFactory(is_locked=True), content="original")
    with pytest.raises(ValidationError):
        services.post_update(post=post, editor=post.author, content="nova")


def test_soft_delete_hides_the_post_keeps_replies_and_decrements_count(user):
    topic = DebateTopicFactory()
    root = services.post_create(topic=topic, author=user, content="raiz")
    reply = services.post_create(topic=topic, author=UserFactory(), content="resposta", parent_id=root.pk)
    services.post_soft_delete(post=root, actor=user)
    root.refresh_from_db()
    assert root.is_deleted and root.deleted_at is not None
    assert DebatePost.objects.filter(pk=reply.pk, parent=root).exists()
    assert DebateTopic.objects.get(pk=topic.pk).posts_count == 1


def test_soft_delete_twice_decrements_once(user):
    topic = DebateTopicFactory()
    post = services.post_create(topic=topic, author=user, content="uma")
    services.post_create(topic=topic, author=user, content="duas")
    services.post_soft_delete(post=post, actor=user)
    services.post_soft_delete(post=post, actor=user)
    assert DebateTopic.objects.get(pk=topic.pk).posts_count == 1


def test_someone_else_cannot_delete_a_post(user):
    post = DebatePostFactory()
    with pytest.raises(PermissionDenied):
        services.post_soft_delete(post=post, actor=user)
    assert not DebatePost.objects.get(pk=post.pk).is_deleted


# --- vote_toggle ------------------------------------------------------------------------


def test_vote_up_then_up_again_removes_the_vote(user):
    post = DebatePostFactory()
    assert services.vote_toggle(post=post, user=user, value=1) == 1
    assert post.votes_score == 1
    assert services.vote_toggle(post=post, user=user, value=1) is None
    assert post.votes_score == 0
    assert not DebateVote.objects.exists()


def test_vote_up_then_down_flips_to_minus_one(user):
    post = DebatePostFactory()
    services.vote_toggle(post=post, user=user, value=1)
    assert services.vote_toggle(post=post, user=user, value=-1) == -1
    assert DebatePost.objects.get(pk=post.pk).votes_score == -1
    assert DebateVote.objects.get().value == -1


@pytest.mark.full_stack  # PostgreSQL SQL (UPDATE … FROM, FILTER, ::float)
def test_a_vote_removed_from_a_drifted_count_keeps_it_at_zero_and_reconcile_fixes_the_rest(user):
    """A bulk load left upvotes at 0 beside a real up vote: removing it is no 500."""
    post = DebatePostFactory()
    DebateVote.objects.create(user=user, post=post, value=1)
    DebateVote.objects.create(user=UserFactory(), post=post, value=1)
    assert services.vote_toggle(post=post, user=user, value=1) is None
    assert DebatePost.objects.get(pk=post.pk).upvotes == 0
    services.topic_counters_reconcile()
    assert DebatePost.objects.get(pk=post.pk).upvotes == 1


def test_votes_of_several_readers_add_up():
    post = DebatePostFactory()
    for value in (1, 1, 1, -1):
        services.vote_toggle(post=post, user=UserFactory(), value=value)
    assert DebatePost.objects.get(pk=post.pk).votes_score == 2


@pytest.mark.parametrize("value", [0, 2, -2])
def test_vote_with_an_invalid_value_is_refused(user, value):
    post = DebatePostFactory()
    with pytest.raises(ValidationError):
        services.vote_toggle(post=post, user=user, value=value)
    assert not DebateVote.objects.exists()


def test_voting_on_a_deleted_post_is_refused(user):
    post = DebatePostFactory(is_deleted=True)
    with pytest.raises(ValidationError) as excinfo:
        services.vote_toggle(post=post, user=user, value=1)
    assert "Não é possível votar em uma mensagem excluída." in messages_of(excinfo)
    assert not DebateVote.objects.exists()


def test_voting_on_a_post_deleted_after_it_was_loaded_rolls_back(user):
    post = DebatePostFactory()
    DebatePost.objects.filter(pk=post.pk).update(is_deleted=True)
    with pytest.raises(ValidationError):
        services.vote_toggle(post=post, user=user, value=1)
    assert not DebateVote.objects.exists()


def test_nobody_votes_on_their_own_post():
    post = DebatePostFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.vote_toggle(post=post, user=post.author, value=1)
    assert "própria" in messages_of(excinfo)
    assert DebatePost.objects.get(pk=post.pk).votes_score == 0


# --- counters ---------------------------------------------------------------------------


@pytest.mark.full_stack  # PostgreSQL SQL (UPDATE … FROM, FILTER, ::float)
def test_reconcile_fixes_deliberately_corrupted_counters():
    topic = DebateTopicFactory()
    empty_topic = DebateTopicFactory()
    posts = [services.post_create(topic=topic, author=UserFactory(), content=str(i)) for i in range(3)]
    services.post_soft_delete(post=posts[2], actor=posts[2].author)
    voter = UserFactory()
    services.vote_toggle(post=posts[0], user=voter, value=1)
    services.vote_toggle(post=posts[1], user=voter, value=-1)
    DebateVoteFactory(post=posts[0], value=1)  # written behind the services' back: score now off by one
    expected_last = DebatePost.objects.filter(topic=topic).latest("created_at").created_at

    DebateTopic.objects.filter(pk=topic.pk).update(posts_count=99, last_activity_at=topic.created_at)
    DebateTopic.objects.filter(pk=empty_topic.pk).update(posts_count=7)
    DebatePost.objects.filter(pk=posts[1].pk).update(votes_score=50)
    DebatePost.objects.filter(pk=posts[2].pk).update(votes_score=-4)

    assert services.topic_counters_reconcile() == {"topics": 2, "posts": 3}

    topic.refresh_from_db()
    assert topic.posts_count == 2
    assert topic.last_activity_at == expected_last
    assert DebateTopic.objects.get(pk=empty_topic.pk).posts_count == 0
    assert [DebatePost.objects.get(pk=p.pk).votes_score for p in posts] == [2, -1, 0]
    # A second run finds nothing to fix.
    assert services.topic_counters_reconcile() == {"topics": 0, "posts": 0}


@pytest.mark.full_stack  # PostgreSQL SQL (UPDATE … FROM, FILTER, ::float)
def test_reconcile_is_set_based_a_fixed_number_of_queries(django_assert_num_queries):
    for _ in range(5):
        topic = DebateTopicFactory(posts_count=3)
        DebatePostFactory.create_batch(2, topic=topic, votes_score=9)
    with django_assert_num_queries(7):  # 5 UPDATEs (counts, empties, votes, unvoted, hot) + savepoints
        services.topic_counters_reconcile()


@pytest.mark.full_stack  # the view buffer lives in Redis
def test_views_are_buffered_then_flushed_once():
    topic = DebateTopicFactory()
    for _ in range(3):
        services.topic_register_view(topic.pk)
    assert DebateTopic.objects.get(pk=topic.pk).views_count == 0  # still in Redis
    assert services.topic_views_flush() == 3
    assert DebateTopic.objects.get(pk=topic.pk).views_count == 3
    assert services.topic_views_flush() == 0
    assert DebateTopic.objects.get(pk=topic.pk).views_count == 3


@pytest.mark.full_stack  # the view buffer lives in Redis
def test_views_flush_moves_several_topics_in_one_update(django_assert_num_queries):
    topics = DebateTopicFactory.create_batch(3)
    for count, topic in enumerate(topics, start=1):
        for _ in range(count):
            services.topic_register_view(topic.pk)
    with django_assert_num_queries(3):  # savepoint, one UPDATE, release
        services.topic_views_flush()
    assert [DebateTopic.objects.get(pk=t.pk).views_count for t in topics] == [1, 2, 3]


def test_view_goes_straight_to_the_database_without_a_buffer(monkeypatch):
    topic = DebateTopicFactory()
    monkeypatch.setattr(debates_cache, "views_buffer_available", lambda: False)
    services.topic_register_view(topic.pk)
    assert DebateTopic.objects.get(pk=topic.pk).views_count == 1


def test_view_goes_to_the_database_when_redis_is_down(monkeypatch):
    topic = DebateTopicFactory()
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: None)  # what IGNORE_EXCEPTIONS returns
    services.topic_register_view(topic.pk)
    assert DebateTopic.objects.get(pk=topic.pk).views_count == 1


@pytest.mark.full_stack  # Redis view buffer and PostgreSQL reconcile SQL
def test_tasks_call_the_services():
    from debates.tasks import debates_counters_reconcile, debates_views_flush

    topic = DebateTopicFactory(posts_count=5)
    services.topic_register_view(topic.pk)
    assert debates_views_flush() == 1
    assert debates_counters_reconcile() == {"topics": 1, "posts": 0}
    topic.refresh_from_db()
    assert (topic.views_count, topic.posts_count) == (1, 0)


def test_views_count_at_once_in_the_embedded_default(client, settings):
    """`make run` has no Redis and no beat: a visit goes straight to views_count."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    topic = DebateTopicFactory()
    for _ in range(2):
        assert client.get(topic.get_absolute_url()).status_code == 200
    assert DebateTopic.objects.get(pk=topic.pk).views_count == 2


def test_the_topics_last_activity_is_the_new_posts_own_time():
    """So a reader who saw the topic up to its last activity saw that post too (no "1 nova"
    left behind), and so does its author."""
    from debates.models import TopicRead

    topic, author = DebateTopicFactory(), UserFactory()
    post = services.post_create(topic=topic, author=author, content="Uma mensagem nova.")
    assert DebateTopic.objects.get(pk=topic.pk).last_activity_at == post.created_at
    assert TopicRead.objects.get(user=author, topic=topic).read_at == post.created_at
