"""The refresh task through a real broker and worker process."""

import uuid

import pytest

from accounts.models import BookShelf
from accounts.tests.factories import BookShelfFactory
from catalog.tests.factories import BookFactory
from cgbookstore.celery import app
from core.tests.factories import UserFactory
from core.tests.processes import celery_worker
from recommendations.models import UserRecommendations
from recommendations.tasks import refresh_user_recommendations, train_recommendations

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def not_eager():
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_training_and_refresh_round_trip_through_a_worker(not_eager):
    books = BookFactory.create_batch(6)
    readers = UserFactory.create_batch(4)
    for reader in readers:
        for book in books[:3]:
            BookShelfFactory(user=reader, book=book, shelf_type=BookShelf.ShelfType.READ)
    newcomer = UserFactory()
    BookShelfFactory(user=newcomer, book=books[0], shelf_type=BookShelf.ShelfType.READ)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with celery_worker(queue):
        trained = train_recommendations.apply_async(queue=queue).get(timeout=120)
        assert trained["users"] == 5
        assert refresh_user_recommendations.apply_async(args=[newcomer.pk], queue=queue).get(timeout=60) == 5
    items = UserRecommendations.objects.get(user=newcomer).items
    assert books[0].pk not in [i["book_id"] for i in items]
    assert items[0]["reason"] == {"book_id": books[0].pk}
