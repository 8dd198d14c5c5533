import pytest

from accounts.models import BookShelf
from accounts.tests.factories import BookShelfFactory
from catalog.tests.factories import BookFactory
from core.tests.factories import UserFactory
from recommendations import cache as recs_cache
from recommendations import signals
from recommendations.tasks import refresh_user_recommendations

pytestmark = pytest.mark.django_db


def test_a_burst_of_shelf_writes_queues_one_refresh(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(signals, "enqueue", lambda task, *args: sent.append(args) or True)
    reader = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for book in BookFactory.create_batch(5):
            BookShelfFactory(user=reader, book=book, shelf_type=BookShelf.ShelfType.READ)
    assert sent == [(reader.pk,)]


def test_a_started_refresh_lets_the_next_change_queue_another():
    reader = UserFactory()
    assert recs_cache.claim_refresh(user_id=reader.pk)
    assert not recs_cache.claim_refresh(user_id=reader.pk)
    refresh_user_recommendations(reader.pk)
    assert recs_cache.claim_refresh(user_id=reader.pk)


def test_a_refresh_that_could_not_be_sent_does_not_block_the_next(monkeypatch):
    monkeypatch.setattr(signals, "enqueue", lambda task, *args: False)  # broker down
    reader = UserFactory()
    signals.queue_refresh(user_id=reader.pk)
    assert recs_cache.claim_refresh(user_id=reader.pk)
