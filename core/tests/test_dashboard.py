"""A signed-in reader's home: reading now with pace, goal, followed debates with unread
counts, personal recommendations — a fixed number of queries however much data there is."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import BookShelf
from accounts.tests.conftest import seed_shelves
from accounts.tests.factories import BookShelfFactory, ReadingProgressFactory
from debates.services import topic_mark_read
from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from library.models import ReadingGoal
from notifications.models import TopicFollow

pytestmark = pytest.mark.django_db
# The logged-in user: after the first request both the session and the user come from the cache.
AUTH = 0
# Warm cache: Continue lendo (1), followed debates, their read marks and unread counts (3);
# the header's unread count, the recommendations and the goal panel are cache reads.
DASHBOARD = 4
# The feed column of a reader who follows nobody yet: following count, blocks, community stream.
FEED = 3


def reader_world(user, size: int) -> None:
    """`size` shelved books, `size` posts spread over followed debates, a goal, a book in progress."""
    seed_shelves(user, size)
    reading = BookShelfFactory(user=user, shelf_type=BookShelf.ShelfType.READING).book
    ReadingProgressFactory(
        user=user, book=reading, current_page=100, total_pages=300, started_at=timezone.localdate() - timedelta(days=9)
    )
    ReadingGoal.objects.create(user=user, year=timezone.localdate().year, books=12)
    topics = [DebateTopicFactory() for _ in range(3)]
    for topic in topics:
        TopicFollow.objects.create(user=user, topic=topic)
    for n in range(size):
        DebatePostFactory(topic=topics[n % 3])


def test_the_dashboard_shows_reading_pace_goal_and_unread_followed_debates(auth_client, user):
    reading = BookShelfFactory(user=user, shelf_type=BookShelf.ShelfType.READING).book
    ReadingProgressFactory(
        user=user, book=reading, current_page=100, total_pages=300, started_at=timezone.localdate() - timedelta(days=9)
    )
    ReadingGoal.objects.create(user=user, year=timezone.localdate().year, books=12)
    topic = DebateTopicFactory(title="Capitu traiu?")
    TopicFollow.objects.create(user=user, topic=topic)
    DebatePostFactory(topic=topic)
    topic_mark_read(user=user, topic_id=topic.pk, read_at=timezone.now())
    DebatePostFactory.create_batch(2, topic=topic)
    DebatePostFactory(topic=topic, author=user)  # one's own post is never news

    html = auth_client.get("/").content.decode()
    assert f"Olá, {user.username}" in html
    assert "página 100 de 300 (33%)" in html and "10,0 páginas por dia" in html
    assert "0 de 12 livros" in html
    assert "Capitu traiu?" in html and "2 novas" in html
    assert "Livros populares" not in html  # readers get their own list instead


def test_a_reader_without_goal_or_follows_gets_a_way_to_start_each(auth_client):
    html = auth_client.get("/").content.decode()
    assert "Definir uma meta" in html and "Siga um debate" in html


@pytest.mark.parametrize("size", [10, 200])
def test_dashboard_queries_stay_flat(client, user, size, django_assert_num_queries, django_capture_on_commit_callbacks):
    reader_world(user, size)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/")  # the first visit queues the reader's recommendations (the eager task stores them)
    client.get("/")  # and the next one caches the stored list
    with django_assert_num_queries(AUTH + DASHBOARD + FEED):
        assert client.get("/").status_code == 200
