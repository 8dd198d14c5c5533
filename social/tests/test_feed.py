"""The home feed: fan-out into Redis, removals reaching every feed, rebuilds after a flush,
read-merge of big accounts, cursor pages, grouping, "novidades", and its query count."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import BookShelf
from catalog.tests.factories import BookFactory
from core.cache import namespace_version, raw_redis
from core.microcache import READER_KEY_PREFIX, path_cache_key
from core.personal import ACTIVITY_TIMEOUT, entry_key, registered_personal
from core.privacy import Visibility
from core.tests.factories import UserFactory
from debates import services as debates_services
from moderation import services as moderation_services
from social import feeds, panels, selectors, services
from social.cache import feed_key, feed_namespace
from social.models import Activity, Follow, SocialSettings
from social.tests import helpers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_at_once")]


Verb = Activity.Verb
ShelfType = BookShelf.ShelfType


@pytest.fixture
def followers(db):
    """An actor and three followers whose feeds exist in Redis."""
    actor = UserFactory()
    readers = [UserFactory() for _ in range(3)]
    for reader in readers:
        services.follow_create(follower=reader, followee=actor)
        selectors.home_feed(reader=reader)  # builds the (empty) feed
    return actor, readers


def feed_ids(reader) -> list[int]:
    return [activity.pk for activity in selectors.home_feed(reader=reader, size=100).activities]


def test_a_new_activity_is_pushed_into_every_follower_feed_in_chunks(followers, settings):
    settings.SOCIAL_FANOUT_CHUNK = 2
    actor, readers = followers
    helpers.make_finished(actor)
    activity = Activity.objects.get(actor=actor)
    for reader in readers:
        assert helpers.in_redis_feed(reader.pk, activity.pk)
        assert feed_ids(reader) == [activity.pk]


def test_a_reader_who_has_not_come_by_gets_no_feed_written(followers):
    actor, _readers = followers
    absent = UserFactory()
    services.follow_create(follower=absent, followee=actor)
    helpers.make_finished(actor)
    assert not raw_redis().exists(feed_key(absent.pk))
    assert feed_ids(absent) == [Activity.objects.get(actor=actor).pk]  # built on first read


@pytest.mark.parametrize(
    "change",
    ["delete_review", "make_private", "make_unlisted", "moderator_hides", "delete_post", "hide_post", "shelf_private"],
)
def test_deletion_hiding_and_privacy_changes_leave_every_feed(followers, change):
    actor, readers = followers
    if change in ("delete_post", "hide_post"):
        item = helpers.make_post(actor)
    elif change == "shelf_private":
        item = helpers.make_finished(actor)
    else:
        item = helpers.make_reviewed(actor)
    activity = Activity.objects.get(actor=actor)
    assert all(feed_ids(reader) == [activity.pk] for reader in readers)
    moderator = UserFactory(is_staff=True)
    if change == "delete_review":
        accounts_services.review_delete(review=item, user=actor)
    elif change in ("make_private", "make_unlisted"):
        visibility = Visibility.PRIVATE if change == "make_private" else Visibility.UNLISTED
        accounts_services.review_update(review=item, user=actor, visibility=visibility)
    elif change == "moderator_hides":
        moderation_services.review_hide(review=item, actor=moderator, reason="Spoiler sem aviso.")
    elif change == "delete_post":
        debates_services.post_soft_delete(post=item, actor=actor)
    elif change == "hide_post":
        moderation_services.post_hide(post=item, actor=moderator, reason="Ofensiva.")
    else:
        accounts_services.shelf_visibility_set(user=actor, shelf_type=ShelfType.READ, visibility=Visibility.PRIVATE)
    for reader in readers + [actor]:
        assert not helpers.in_redis_feed(reader.pk, activity.pk)  # the removal task cleaned up
        assert feed_ids(reader) == []
    assert all(group.actor != actor for group in selectors.community_stream(viewer=readers[0]))


def test_restored_item_comes_back_to_the_feeds(followers):
    actor, readers = followers
    review = helpers.make_reviewed(actor)
    accounts_services.review_update(review=review, user=actor, visibility=Visibility.PRIVATE)
    assert feed_ids(readers[0]) == []
    accounts_services.review_update(review=review, user=actor, visibility=Visibility.PUBLIC)
    activity = Activity.objects.get(review=review)
    assert helpers.in_redis_feed(readers[0].pk, activity.pk)
    assert feed_ids(readers[0]) == [activity.pk]


def test_read_path_hides_a_change_before_any_cleanup_ran(followers):
    """Even if the removal task never ran, the feed shows only what is public now."""
    actor, readers = followers
    review = helpers.make_reviewed(actor)
    activity = Activity.objects.get(review=review)
    Activity.objects.filter(pk=activity.pk).update(visibility=Visibility.PRIVATE)  # no signal, no task
    assert helpers.in_redis_feed(readers[0].pk, activity.pk)
    assert feed_ids(readers[0]) == []
    assert not helpers.in_redis_feed(readers[0].pk, activity.pk)  # dropped lazily by the read


def test_feed_is_rebuilt_correctly_after_redis_loses_it(followers):
    actor, readers = followers
    other = UserFactory()
    services.follow_create(follower=readers[0], followee=other)
    helpers.make_finished(actor)
    helpers.make_reviewed(other)
    helpers.make_topic(actor)
    before = feed_ids(readers[0])
    assert len(before) == 3
    cache.delete_pattern("*")  # this test run's prefix only: feeds, marks, cached lists
    assert not raw_redis().exists(feed_key(readers[0].pk))
    assert feed_ids(readers[0]) == before
    assert raw_redis().exists(feed_key(readers[0].pk))


def test_unfollow_mute_and_follow_rebuild_the_feed(followers):
    actor, readers = followers
    reader = readers[0]
    helpers.make_finished(actor)
    services.follow_delete(follower=reader, followee=actor)
    assert feed_ids(reader) == []
    services.follow_create(follower=reader, followee=actor)
    assert len(feed_ids(reader)) == 1  # the followed reader's history comes in at once
    services.mute_create(muter=reader, muted=actor)
    assert feed_ids(reader) == []
    helpers.make_finished(actor)
    assert feed_ids(reader) == []


def test_big_accounts_are_read_merged_not_fanned_out(followers, settings):
    settings.SOCIAL_FANOUT_MAX_FOLLOWERS = 3
    actor, readers = followers
    services.follow_create(follower=UserFactory(), followee=UserFactory())  # anything to bump nothing
    services.social_counts_reconcile()
    cache.delete_pattern("*social:big*")
    helpers.make_finished(actor)
    activity = Activity.objects.get(actor=actor)
    assert not helpers.in_redis_feed(readers[0].pk, activity.pk)
    assert feed_ids(readers[0]) == [activity.pk]


def test_without_read_merged_accounts_a_readers_feed_asks_nothing_about_them(django_assert_num_queries, settings):
    reader, actor = UserFactory(), UserFactory()
    services.follow_create(follower=reader, followee=actor)
    selectors.big_account_ids()  # the site's list, cached for everyone
    with django_assert_num_queries(0):
        assert selectors.big_followed_ids(reader.pk) == []
    settings.SOCIAL_FANOUT_MAX_FOLLOWERS = 2
    services.follow_create(follower=UserFactory(), followee=actor)  # the actor crosses the line
    assert selectors.big_followed_ids(reader.pk) == [actor.pk]


def test_a_feed_rebuilt_from_the_database_scores_each_activity_as_the_fan_out_does():
    actor, book = UserFactory(), BookFactory()
    base = timezone.now().replace(microsecond=0)
    micros = [0, 1, 7, 123456, 499999, 500000, 999998, 999999]  # where float rounding could slip
    Activity.objects.bulk_create(
        Activity(actor=actor, verb=Verb.FINISHED, book=book, visibility=Visibility.PUBLIC,
                 created_at=base - timezone.timedelta(days=days, microseconds=micro))
        for days in (0, 3650, 20000) for micro in micros
    )  # fmt: skip
    rows = Activity.objects.order_by("-created_at", "-id")
    expected = [(activity.pk, feeds.score_of(activity.created_at)) for activity in rows]
    assert selectors._scored(rows, len(expected)) == expected


def test_feed_works_from_the_database_without_redis(followers, monkeypatch):
    actor, readers = followers
    helpers.make_finished(actor)
    monkeypatch.setattr(feeds, "raw_redis", lambda: None)  # what the embedded default has
    assert feed_ids(readers[0]) == [Activity.objects.get(actor=actor).pk]


def test_cursor_pages_walk_the_whole_feed_once(followers, settings):
    settings.SOCIAL_FEED_LENGTH = 7  # older pages come from the database
    actor, readers = followers
    now = timezone.now()
    books = [BookFactory() for _ in range(25)]
    Activity.objects.bulk_create(
        Activity(
            actor=actor,
            verb=Verb.FINISHED,
            book=book,
            visibility=Visibility.PUBLIC,
            created_at=now - timezone.timedelta(seconds=index // 2),  # pairs share a time
        )
        for index, book in enumerate(books)
    )
    feeds.feed_drop(readers[0].pk)
    seen, cursor = [], None
    for _page in range(10):
        page = selectors.home_feed(reader=readers[0], cursor=cursor, size=4)
        seen += [activity.pk for activity in page.activities]
        cursor = page.next_cursor and selectors.parse_cursor(page.next_cursor)
        if not cursor:
            break
    expected = list(Activity.objects.order_by("-created_at", "-id").values_list("id", flat=True))
    assert seen == expected


def test_groups_and_novidades(followers, client):
    actor, readers = followers
    reader = readers[0]
    for _ in range(3):
        helpers.make_finished(actor)
    helpers.make_topic(actor)
    client.force_login(reader)
    page = client.get(reverse("social:feed"))
    html = page.content.decode()
    assert "terminou de ler 3 livros" in html
    assert "abriu um debate sobre" in html
    helpers.make_reviewed(actor)
    home = selectors.home_feed(reader=reader)
    assert home.new_count == 1 and home.groups[0].is_new and not home.groups[1].is_new


def test_a_group_says_its_verb_and_how_long_ago_in_portuguese():
    at = timezone.now() - timedelta(hours=2, minutes=1)
    finished = Activity(verb=Activity.Verb.FINISHED, created_at=at)
    group = selectors.ActivityGroup(actor=None, verb=finished.verb, items=[finished])

    assert group.verb_label == "terminou de ler"
    assert group.when == f'<time datetime="{at.isoformat()}">há 2\xa0horas, 1\xa0minuto</time>'


def test_home_page_shows_the_feed_or_the_community_and_suggestions(client, followers):
    actor, readers = followers
    helpers.make_finished(actor)
    newcomer = UserFactory()
    book = Activity.objects.get(actor=actor).book
    accounts_services.shelf_move(user=newcomer, book=book, shelf_type=ShelfType.WANT_TO_READ)
    client.force_login(newcomer)
    html = client.get(reverse("core:home")).content.decode()
    assert "O que a comunidade está lendo" in html and book.title in html
    assert "Leitores para seguir" in html and actor.username in html and "1 livro em comum" in html
    client.force_login(readers[0])
    html = client.get(reverse("core:home")).content.decode()
    assert "Seu feed" in html and book.title in html


def test_bad_cursor_is_a_400(client, reader):
    client.force_login(reader)
    response = client.get(reverse("social:feed"), {"antes": "abc"})
    assert response.status_code == 400 and "Posição inválida" in response.content.decode()


def seed_followed(reader, count: int) -> None:
    """`count` readers the reader follows, one public activity each and 20 more for the first
    (bulk, fast)."""
    User = get_user_model()
    start = User.objects.count()
    users = User.objects.bulk_create(User(username=f"seguido{start + n}") for n in range(count))
    Follow.objects.bulk_create(Follow(follower=reader, followee=user) for user in users)
    book = BookFactory()
    actors = users + [users[0]] * 20
    Activity.objects.bulk_create(
        Activity(actor=user, verb=Verb.FINISHED, book=book, visibility=Visibility.PUBLIC) for user in actors
    )
    SocialSettings.objects.create(user=reader, following_count=count)


@pytest.mark.parametrize("count", [10, 10_000])
def test_feed_page_queries_are_flat(client, reader, count, django_assert_num_queries):
    seed_followed(reader, count)
    client.force_login(reader)
    url = reverse("social:feed")
    # cold: the user, the header's unread count, big accounts followed, the rebuild from the
    # database, the page's activities, their items for the lines not yet cached
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["page"].activities) == 20
    # warm: the page's activities; the user, the ids and the lines come from the cache
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(2):  # an older page: its lines are rendered once
        assert client.get(url, {"antes": response.context["page"].next_cursor}).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url, {"antes": response.context["page"].next_cursor}).status_code == 200


def test_a_cached_line_follows_its_review_edits_and_privacy(followers, client):
    """Lines are cached, but an edit shows at once and a private review leaves the page."""
    actor, readers = followers
    review = helpers.make_rated(actor, title="Primeira leitura", text="Boa.")
    client.force_login(readers[0])
    url = reverse("social:feed")
    assert "Primeira leitura" in client.get(url).content.decode()  # the line is now cached
    accounts_services.review_update(review=review, user=actor, rating="2", title="Releitura")
    page = client.get(url).content.decode()
    assert "Releitura" in page and "Primeira leitura" not in page
    assert "2★" in page or "2.0★" in page or "2,0★" in page
    accounts_services.review_update(review=review, user=actor, visibility=Visibility.PRIVATE)
    assert "Releitura" not in client.get(url).content.decode()


def test_renaming_a_book_refreshes_the_cached_lines(followers, client):
    actor, readers = followers
    review = helpers.make_rated(actor)
    client.force_login(readers[0])
    url = reverse("social:feed")
    assert review.book.title in client.get(url).content.decode()
    review.book.title = "Título novo do livro"
    review.book.save()
    assert "Título novo do livro" in client.get(url).content.decode()


# --- The feed page shared by signed-in readers (core.microcache, core.personal) -------------


def shared_get(client, url, **params):
    """The page as a reader past their own-writes window sees it (no wrote cookie)."""
    client.cookies.pop("cgb_wrote", None)
    return client.get(url, params)


def test_readers_share_the_feed_page_each_with_their_own_feed(followers, client, settings):
    settings.PAGE_CACHE_SECONDS = 10
    actor, readers = followers
    helpers.make_finished(actor)
    title = Activity.objects.get(actor=actor).book.title
    loner = UserFactory()
    client.force_login(readers[0])
    first = shared_get(client, reverse("social:feed"))
    client.force_login(loner)
    second = shared_get(client, reverse("social:feed"))
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert title in first.content.decode() and title not in second.content.decode()
    assert "Nada por aqui ainda" in second.content.decode()
    stored = cache.get(path_cache_key(reverse("social:feed"), READER_KEY_PREFIX))[0]
    assert title not in stored and actor.username not in stored and "<!--viewer:personal:" in stored


def test_a_followed_readers_activity_reaches_the_shared_feed_page_at_once(followers, client, settings):
    settings.PAGE_CACHE_SECONDS = 10
    actor, readers = followers
    client.force_login(readers[0])
    assert "Nada por aqui ainda" in shared_get(client, reverse("social:feed")).content.decode()
    helpers.make_finished(actor)  # the fan-out pushes it and bumps each follower's feed version
    page = shared_get(client, reverse("social:feed"))
    assert page["X-Page-Cache"] == "hit" and Activity.objects.get(actor=actor).book.title in page.content.decode()
    activity = Activity.objects.get(actor=actor)
    services.activities_retract(activity_ids=[activity.pk], actor_id=actor.pk)  # the retraction task
    Activity.objects.filter(pk=activity.pk).delete()
    assert activity.book.title not in shared_get(client, reverse("social:feed")).content.decode()


def test_an_unfollow_leaves_the_shared_feed_page_at_once(followers, client, settings):
    settings.PAGE_CACHE_SECONDS = 10
    actor, readers = followers
    helpers.make_finished(actor)
    title = Activity.objects.get(actor=actor).book.title
    client.force_login(readers[0])
    assert title in shared_get(client, reverse("social:feed")).content.decode()
    services.follow_delete(follower=readers[0], followee=actor)  # e.g. from the API: no wrote cookie
    assert title not in shared_get(client, reverse("social:feed")).content.decode()


def test_a_read_merged_accounts_activity_reaches_the_cached_feed_page(followers, client, settings):
    settings.PAGE_CACHE_SECONDS = 10
    settings.SOCIAL_FANOUT_MAX_FOLLOWERS = 3
    actor, readers = followers
    services.social_counts_reconcile()
    cache.delete_pattern("*social:big*")
    client.force_login(readers[0])
    assert "Nada por aqui ainda" in shared_get(client, reverse("social:feed")).content.decode()
    helpers.make_finished(actor)  # nothing pushed: the fan-out bumps every cached feed instead
    activity = Activity.objects.get(actor=actor)
    assert not helpers.in_redis_feed(readers[0].pk, activity.pk)
    assert activity.book.title in shared_get(client, reverse("social:feed")).content.decode()


def test_a_readers_feed_copies_outlive_the_shared_pages(followers, client, settings):
    """Exact versions cover the feed, so a copy is kept until its relative times have aged."""
    settings.PAGE_CACHE_SECONDS = 10
    _actor, readers = followers
    client.force_login(readers[0])
    shared_get(client, reverse("core:home"))
    shared_get(client, reverse("social:feed"))
    for name in ("panel:home:social_feed", panels.FEED_PAGE):
        ttl = cache.ttl(entry_key(registered_personal(name), readers[0].pk))
        assert settings.PAGE_CACHE_SECONDS < ttl <= ACTIVITY_TIMEOUT


def test_news_are_shown_once_and_a_look_without_news_moves_nothing(followers, client, settings):
    settings.PAGE_CACHE_SECONDS = 10
    actor, readers = followers
    client.force_login(readers[0])
    shared_get(client, reverse("social:feed"))  # the first look sets the "seen" mark
    helpers.make_finished(actor)
    assert "1 novidade" in shared_get(client, reverse("social:feed")).content.decode()
    assert "novidade" not in shared_get(client, reverse("social:feed")).content.decode()
    version = namespace_version(feed_namespace(readers[0].pk))
    assert "novidade" not in shared_get(client, reverse("social:feed")).content.decode()
    assert namespace_version(feed_namespace(readers[0].pk)) == version


@pytest.mark.parametrize("count", [10, 1_000])
def test_a_warm_shared_feed_page_costs_no_query(client, reader, count, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 10
    seed_followed(reader, count)
    client.force_login(reader)
    url = reverse("social:feed")
    shared_get(client, url)
    with django_assert_num_queries(0):  # the user, the page, the feed and its versions are cache reads
        response = shared_get(client, url)
    assert response["X-Page-Cache"] == "hit" and "terminou de ler" in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_follow_suggestions_rank_shared_debates_and_books_in_fixed_queries(reader, size, django_assert_num_queries):
    from accounts.tests.factories import BookShelfFactory
    from debates.tests.factories import DebatePostFactory, DebateTopicFactory

    books, topics = BookFactory.create_batch(size), DebateTopicFactory.create_batch(size)
    debater, shelver, followed, blocked = (
        UserFactory(username=name) for name in ("debatedor", "leitor", "seguido", "x")
    )
    for book in books:
        BookShelfFactory(user=reader, book=book, shelf_type=ShelfType.READ)
        for other in (shelver, followed, blocked):
            BookShelfFactory(user=other, book=book, shelf_type=ShelfType.READ)
    for topic in topics[:2]:
        DebatePostFactory(topic=topic, author=reader)
        DebatePostFactory(topic=topic, author=debater)
    BookShelfFactory(user=debater, book=books[0], shelf_type=ShelfType.READ)
    DebatePostFactory(topic=topics[0], author=shelver, is_deleted=True)  # a deleted post shares nothing
    services.follow_create(follower=reader, followee=followed)
    services.block_create(blocker=blocked, blocked=reader)
    # The reader's books, who shares them, the reader's topics, who shares them, the most
    # followed, the candidates (without the followed and blocked).
    with django_assert_num_queries(6):
        suggestions = selectors.follow_suggestions(reader=reader)
    assert [(s["username"], s["shared_books"], s["shared_debates"]) for s in suggestions] == [
        ("leitor", size, 0) if size > 5 else ("debatedor", 1, 2),
        ("debatedor", 1, 2) if size > 5 else ("leitor", size, 0),
    ]
