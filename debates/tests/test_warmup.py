import pytest

from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from debates.warmup import hot_topic_url, warm

pytestmark = pytest.mark.django_db


def test_warm_topic_pages_then_serve_them_from_cache(client, django_assert_num_queries):
    topic = DebateTopicFactory()
    DebatePostFactory.create_batch(3, topic=topic)
    assert warm() == 2
    # Warm cache: the list runs no query for an anonymous reader.
    with django_assert_num_queries(0):
        assert client.get("/debates/").status_code == 200


def test_the_hot_topic_is_the_first_of_the_list():
    DebateTopicFactory()
    pinned = DebateTopicFactory(is_pinned=True)
    assert hot_topic_url() == pinned.get_absolute_url()
