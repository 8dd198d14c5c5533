"""The dashboard shared by signed-in readers (core.microcache.reader_page_cache): one stored
rendering with marks, each reader's panels filled from their own cached copies (core.personal),
which their writes and the events that change a panel invalidate."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.models import BookShelf
from accounts.tests.factories import BookShelfFactory, ReadingProgressFactory
from catalog.tests.factories import BookFactory
from core.fragments import CSRF_MARK
from core.microcache import READER_KEY_PREFIX, path_cache_key
from core.personal import ACTIVITY_TIMEOUT, OWN_DATA_TIMEOUT, entry_key, registered_personal
from core.replica import WROTE_COOKIE
from core.tests.clients import signed_in
from core.tests.factories import UserFactory
from debates import services as debates_services
from debates.tests.factories import DebateTopicFactory
from library.models import ReadingGoal
from notifications.models import TopicFollow
from social import services as social_services
from social.models import Activity, Follow, SocialSettings
from social.tests import helpers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_at_once")]
ShelfType = BookShelf.ShelfType
# A reader's first dashboard on a stored page, every personal section cold: the user, the
# header's unread count; reading now; the feed column (following count, blocks); the goal;
# followed debates; suggestions (the reader's books, who shares them, the reader's topics,
# the most followed; their names, none here); recommendations without a stored list (the
# list, the reader's books and reviews, the latest book's neighbours, the popular books).
FIRST_DASHBOARD = 15


@pytest.fixture(autouse=True)
def _shared_pages(settings):
    settings.PAGE_CACHE_SECONDS = 10


def reading(user, title: str, page: int = 100):
    book = BookShelfFactory(user=user, shelf_type=ShelfType.READING, book=BookFactory(title=title, pages=300)).book
    return ReadingProgressFactory(
        user=user, book=book, current_page=page, total_pages=300, started_at=timezone.localdate() - timedelta(days=9)
    )


def home(client) -> tuple[str, str]:
    """The page as served once the reader's own-writes window is over (no wrote cookie)."""
    for name in (WROTE_COOKIE, "messages"):
        client.cookies.pop(name, None)
    response = client.get("/")
    assert response.status_code == 200
    return response["X-Page-Cache"], response.content.decode()


def test_two_readers_share_the_dashboard_and_see_only_their_own_panels():
    ana, bruno = UserFactory(username="ana"), UserFactory(username="bruno")
    reading(ana, "Memórias Póstumas")
    reading(bruno, "Quincas Borba")
    ReadingGoal.objects.create(user=bruno, year=timezone.localdate().year, books=7)
    topic = DebateTopicFactory(title="Capitu traiu?")
    TopicFollow.objects.create(user=ana, topic=topic)
    (state_a, page_a), (state_b, page_b) = (
        home(signed_in(ana, enforce_csrf_checks=False)),
        home(signed_in(bruno, enforce_csrf_checks=False)),
    )
    assert (state_a, state_b) == ("miss", "hit")
    # (each one's reading start is public: the other sees it in the community stream)
    assert "Olá, ana" in page_a and "Progresso em Memórias Póstumas" in page_a and "Capitu traiu?" in page_a
    assert "Progresso em Quincas Borba" not in page_a and "0 de 7 livros" not in page_a
    assert "Olá, bruno" in page_b and "Progresso em Quincas Borba" in page_b and "0 de 7 livros" in page_b
    assert "Progresso em Memórias Póstumas" not in page_b and "Siga um debate" in page_b
    assert 'href="/leitores/bruno/">bruno</a>' in page_b and 'href="/leitores/ana/">ana</a>' in page_a
    for html in (page_a, page_b):
        assert "<!--viewer" not in html and "<!--slot" not in html


def test_the_stored_dashboard_holds_no_reader_data():
    ana = UserFactory(username="ana_leitora")
    reading(ana, "Memórias Póstumas")
    home(signed_in(ana, enforce_csrf_checks=False))
    stored = cache.get(path_cache_key("/", READER_KEY_PREFIX))[0]
    assert "ana_leitora" not in stored and "Memórias Póstumas" not in stored
    assert stored.count("<!--viewer:personal:") == 6  # reading, feed, recommendations, goal, debates, suggestions
    assert "<!--viewer:reader_name:0-->" in stored and "<body<!--viewer:nav:2-->>" in stored  # htmx's CSRF header


def test_a_stored_panel_carries_a_csrf_mark_and_the_page_a_token_that_works():
    ana, popular = UserFactory(), UserFactory(username="muito_seguida")
    SocialSettings.objects.create(user=popular, followers_count=3)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana)
    home(client)
    _state, html = home(client)  # the suggestion, with its follow form, from the cached panel
    suggestions = registered_personal("panel:home_side:social_suggestions")
    _stamp, stored = cache.get(entry_key(suggestions, ana.pk))
    assert "muito_seguida" in stored and f'name="csrfmiddlewaretoken" value="{CSRF_MARK}"' in stored
    form = re.search(r'action="(/social/muito_seguida/[^"]+)".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, re.S)
    response = client.post(form[1], {"csrfmiddlewaretoken": form[2], "next": "/"})
    assert response.status_code == 302 and Follow.objects.filter(follower=ana, followee=popular).exists()


def test_the_readers_own_writes_show_on_their_next_dashboard():
    ana = UserFactory()
    progress = reading(ana, "Dom Casmurro", page=100)
    client = signed_in(ana, enforce_csrf_checks=False)
    assert "página 100 de 300" in home(client)[1]
    assert "página 100 de 300" in home(client)[1]  # now served from the cached panel
    client.post(f"/leitores/progresso/{progress.pk}/atualizar/", {"current_page": 150, "total_pages": 300})
    assert client.cookies.get(WROTE_COOKIE)  # the writer's own pages, then…
    state, html = home(client)  # …without the cookie: the shared page and a fresh panel
    assert state in ("hit", "miss") and "página 150 de 300" in html
    client.post(f"/leitores/livro/{progress.book.slug}/estante/", {"action": "add", "shelf_type": ShelfType.READ})
    assert "página 150 de 300" not in home(client)[1]  # finished: out of "Continue lendo"


def test_an_import_for_the_reader_refreshes_their_panels():
    from accounts.signals import books_changed

    ana = UserFactory()
    client = signed_in(ana, enforce_csrf_checks=False)
    assert "Dom Casmurro" not in home(client)[1]
    reading(ana, "Dom Casmurro")  # as a bulk write would: no request of the reader
    books_changed.send(sender=None, user_id=ana.pk)
    assert "Dom Casmurro" in home(client)[1]


def test_a_followed_readers_new_activity_reaches_the_followers_dashboard_at_once():
    actor, follower = UserFactory(username="autora"), UserFactory()
    social_services.follow_create(follower=follower, followee=actor)
    client = signed_in(follower, enforce_csrf_checks=False)
    assert "Seu feed" in home(client)[1]  # builds the feed and caches the panel
    helpers.make_finished(actor)  # fan-out (eager here) pushes it and bumps the follower's feed
    title = Activity.objects.get(actor=actor).book.title
    state, html = home(client)
    assert state == "hit" and title in html


def test_own_sections_outlive_those_of_others_activity():
    """What versions cover entirely is kept long; "há …" and unversioned counts age sooner."""
    reader = UserFactory()
    home(signed_in(reader, enforce_csrf_checks=False))
    ttl = {
        name: cache.ttl(entry_key(registered_personal(f"panel:{name}"), reader.pk))
        for name in ("home:accounts_continue_reading", "home:social_feed", "home_side:notifications_followed")
    }
    assert ACTIVITY_TIMEOUT < ttl["home:accounts_continue_reading"] <= OWN_DATA_TIMEOUT
    assert 0 < ttl["home:social_feed"] <= ACTIVITY_TIMEOUT
    assert 0 < ttl["home_side:notifications_followed"] <= ACTIVITY_TIMEOUT


def test_a_new_post_in_a_followed_debate_and_reading_it_update_the_unread_count():
    ana = UserFactory()
    topic = DebateTopicFactory(title="Capitu traiu?")
    TopicFollow.objects.create(user=ana, topic=topic)
    client = signed_in(ana, enforce_csrf_checks=False)
    assert "nova" not in home(client)[1]
    debates_services.post_create(topic=topic, author=UserFactory(), content="Traiu, claro.")  # notifies ana
    assert "1 nova" in home(client)[1]
    debates_services.topic_mark_read(user=ana, topic_id=topic.pk, read_at=timezone.now())  # as a visit does
    assert "1 nova" not in home(client)[1]


def seed_followed(reader, count: int) -> None:
    """`count` followed readers with one public activity each (bulk)."""
    User = get_user_model()
    start = User.objects.count()
    users = User.objects.bulk_create(User(username=f"seguido{start + n}") for n in range(count))
    Follow.objects.bulk_create(Follow(follower=reader, followee=user) for user in users)
    book = BookFactory()
    Activity.objects.bulk_create(
        Activity(actor=user, verb=Activity.Verb.FINISHED, book=book, visibility="public") for user in users
    )
    SocialSettings.objects.create(user=reader, following_count=count)


@pytest.mark.parametrize("count", [10, 1_000])
def test_a_warm_dashboard_costs_the_same_few_queries_whatever_the_follows(count, django_assert_num_queries):
    reader = UserFactory()
    seed_followed(reader, count)
    client = signed_in(reader, enforce_csrf_checks=False)
    home(client)  # queues the reader's recommendations (eager here: stored at once, their panel bumped)
    home(client)  # renders the stored list
    with django_assert_num_queries(0):  # the user, the page, the panels and their versions are cache reads
        state, html = home(client)
    assert state == "hit" and "Seu feed" in html


@pytest.mark.parametrize("size", [4, 80])
def test_a_readers_first_dashboard_queues_their_recommendations_in_fixed_queries(
    size, monkeypatch, django_assert_num_queries
):
    from accounts.tests.conftest import seed_shelves
    from recommendations import cache as recs_cache
    from recommendations.models import ItemNeighbors, UserRecommendations
    from recommendations.tasks import refresh_user_recommendations
    from recommendations.tests.helpers import spy_refreshes

    home(signed_in(UserFactory(), enforce_csrf_checks=False))  # the shared page is stored
    reader = UserFactory()
    first, *_others = seed_shelves(reader, size)
    latest = reading(reader, "O Alienista").book
    picked = BookFactory(title="Escolhido pelo modelo")
    BookFactory.create_batch(12, ratings_count=1000)  # the popular books
    ItemNeighbors.objects.create(book=first, neighbors=[picked.pk], scores=[1.0], model_version=1)
    # No stored list, as for a reader idle during the last training (which drops their list).
    UserRecommendations.objects.filter(user=reader).delete()
    recs_cache.flush_all()
    calls = spy_refreshes(monkeypatch)
    client = signed_in(reader, enforce_csrf_checks=False)
    # Every personal section cold: a fixed number of queries whatever the reader has, and
    # no recommendation computed in the request, only queued.
    with django_assert_num_queries(FIRST_DASHBOARD):
        state, html = home(client)
    assert state == "hit" and calls == {"queued": [(reader.pk,)], "computed": []}
    assert "Recomendados para você" in html and "Escolhido pelo modelo" not in html
    home(client)
    assert calls["queued"] == [(reader.pk,)]  # once per reader while it is computed
    refresh_user_recommendations(reader.pk)  # what the worker runs; it bumps the reader's panel
    _state, html = home(client)
    assert "Escolhido pelo modelo" in html and f"porque você leu {first.title}" in html
    assert calls["computed"] == [reader.pk] and latest.title in html
