import pytest

from accounts.models import BookShelf
from accounts.tests.factories import BookShelfFactory
from catalog.tests.factories import BookFactory
from core.models import OutboxTask
from core.tests.factories import UserFactory
from core.tests.processes import broker_at, dead_broker_url
from recommendations import cache as recs_cache
from recommendations import tasks
from recommendations.tasks import refresh_user_recommendations

pytestmark = pytest.mark.django_db


def test_a_burst_of_shelf_writes_queues_one_refresh(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks, "enqueue_on_commit", lambda task, *args: sent.append(args))
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


@pytest.mark.django_db(transaction=True)
def test_a_refresh_queued_while_the_broker_is_down_waits_in_the_outbox():
    reader = UserFactory()
    with broker_at(dead_broker_url()):
        tasks.queue_refresh(user_id=reader.pk)
    row = OutboxTask.objects.get()
    assert (row.name, row.args, row.sent_at) == (refresh_user_recommendations.name, [reader.pk], None)
