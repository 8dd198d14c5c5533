"""Many readers at once on one topic, through the real views, each thread on its own connection."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from accounts.models import BookReview, BookShelf
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from debates.models import DebatePost, DebateTopic, DebateVote
from debates.tests.factories import DebatePostFactory

pytestmark = [pytest.mark.django_db(transaction=True)]
READERS = 50


@pytest.fixture(autouse=True)
def no_limits(settings):
    settings.RATELIMITS = {name: "1000000/h" for name in settings.RATELIMITS}
    settings.DEBATES_POST_MIN_INTERVAL_SECONDS = 0


def at_once(requests: list, width: int = 25) -> list:
    """Runs each (user, method, url, data) in its own thread, `width` released together; returns the statuses.

    The width keeps the test's own connections well under PostgreSQL's max_connections.
    """
    return [status for i in range(0, len(requests), width) for status in _wave(requests[i : i + width])]


def _wave(requests: list) -> list:
    start = threading.Barrier(len(requests))
    statuses: list = [None] * len(requests)

    def run(i, user, method, url, data):
        client = Client()
        client.force_login(user)
        try:
            start.wait(10)
            statuses[i] = getattr(client, method)(url, data).status_code
        except Exception as exc:  # asserted by the caller
            statuses[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def test_fifty_readers_voting_and_posting_at_once_leave_exact_scores_and_counters():
    post = DebatePostFactory()
    topic = post.topic
    readers = UserFactory.create_batch(READERS)
    votes = [(user, "post", f"/debates/mensagens/{post.pk}/votar/", {"value": "1" if i % 5 else "-1"})
             for i, user in enumerate(readers)]  # fmt: skip
    posts = [(user, "post", f"/debates/{topic.slug}/responder/", {"content": f"Opinião {i}"})
             for i, user in enumerate(readers)]  # fmt: skip

    # Votes and posts interleaved, so each wave mixes both on the same rows.
    statuses = at_once([request for pair in zip(votes, posts, strict=True) for request in pair])

    assert statuses == [302] * (2 * READERS)
    post.refresh_from_db()
    assert DebateVote.objects.filter(post=post).count() == READERS
    assert post.votes_score == sum(DebateVote.objects.filter(post=post).values_list("value", flat=True)) == 30
    # The factory's first post bypassed the services, so the counter counts the 50 new ones.
    assert DebatePost.objects.filter(topic=topic).count() == 51
    assert DebateTopic.objects.get(pk=topic.pk).posts_count == READERS


def test_the_same_vote_submitted_many_times_at_once_is_counted_once():
    post = DebatePostFactory()
    voter = UserFactory()
    statuses = at_once([(voter, "post", f"/debates/mensagens/{post.pk}/votar/", {"value": "1"})] * 10)
    assert all(status in (302, 422) for status in statuses), statuses
    votes = list(DebateVote.objects.filter(post=post).values_list("value", flat=True))
    assert len(votes) <= 1
    post.refresh_from_db()
    assert post.votes_score == sum(votes)


def test_double_submitted_review_and_shelf_forms_create_one_row_each():
    book = BookFactory()
    reader = UserFactory()
    review = (reader, "post", f"/leitores/livro/{book.slug}/resenha/", {"rating": "4", "text": "Bom."})
    shelf = (reader, "post", f"/leitores/livro/{book.slug}/estante/", {"action": "add", "shelf_type": "reading"})

    review_statuses = at_once([review] * 5)
    shelf_statuses = at_once([shelf] * 5)

    assert sorted(review_statuses)[0] == 302 and set(review_statuses) <= {302, 409}, review_statuses
    assert set(shelf_statuses) <= {302, 422}, shelf_statuses
    assert BookReview.objects.filter(user=reader, book=book).count() == 1
    assert BookShelf.objects.filter(user=reader, book=book).count() == 1


def test_the_database_itself_refuses_a_duplicate_or_invalid_vote():
    vote = DebateVote.objects.create(user=UserFactory(), post=DebatePostFactory(), value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        DebateVote.objects.bulk_create([DebateVote(user=vote.user, post=vote.post, value=-1)])  # no Python checks
    with pytest.raises(IntegrityError), transaction.atomic():
        DebateVote.objects.bulk_create([DebateVote(user=UserFactory(), post=vote.post, value=5)])
    with pytest.raises(IntegrityError), transaction.atomic():
        BookReview.objects.bulk_create([BookReview(user=vote.user, book=vote.post.topic.book, rating=9)])
