"""A topic's stored page lives until the topic changes (core.microcache, `until_changed`), for
visitors and signed-in readers alike: long after PAGE_CACHE_SECONDS while nothing moves, and
rendered again on the first request after a post, a vote or an edit of the topic."""

import time

import pytest
from django.core.cache import cache
from django.test import Client

from core import microcache
from core.microcache import KEY_PREFIX, READER_KEY_PREFIX, path_cache_key
from core.tests.clients import signed_in
from core.tests.factories import UserFactory
from debates import services
from debates.models import DebateVote
from debates.tests.test_reader_pages import make_topic, reader
from moderation import services as moderation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.full_stack,
    pytest.mark.usefixtures("on_commit_at_once", "stored_pages"),
]


def served_for(url: str, prefix: str) -> float:
    """How long the stored page may still be served, in seconds."""
    return cache.get(path_cache_key(url, prefix))[5] - time.time()


@pytest.mark.parametrize("prefix", [KEY_PREFIX, READER_KEY_PREFIX])
def test_a_topic_page_outlives_the_page_cache_while_nothing_changes(prefix):
    topic, _posts = make_topic()
    url = topic.get_absolute_url()
    client = Client() if prefix == KEY_PREFIX else signed_in(reader("ana"))
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert 10 < served_for(url, prefix) <= 300
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_page_past_its_time_tells_any_process_what_it_is_made_of():
    topic, _posts = make_topic()
    url = topic.get_absolute_url()
    key = path_cache_key(url, KEY_PREFIX)
    Client().get(url)
    microcache._page_namespaces.clear()  # another process, which has never rendered it
    cache.set(key, (*cache.get(key)[:5], time.time() - 1), 300)  # its time is over
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert served_for(url, KEY_PREFIX) > 10
    assert Client().get(url)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("prefix", [KEY_PREFIX, READER_KEY_PREFIX])
def test_a_new_post_or_vote_renders_the_page_again(prefix):
    topic, (first, _second) = make_topic()
    url = topic.get_absolute_url()
    client = Client() if prefix == KEY_PREFIX else signed_in(reader("ana"))
    client.get(url)
    cache.delete(path_cache_key(url, prefix))
    client.get(url)  # stored to live VERSIONED_PAGE_SECONDS
    services.post_create(topic=topic, author=reader("bruno"), content="Uma resposta que chega depois.")
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Uma resposta que chega depois." in page.content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    services.vote_toggle(post=first, user=UserFactory(), value=DebateVote.Value.UP)
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    score = '<span class="score">1</span>' if prefix == READER_KEY_PREFIX else '<span class="score">1 ponto</span>'
    assert score in page.content.decode()


def test_another_process_checks_the_versions_of_a_page_it_has_not_rendered():
    topic, _posts = make_topic()
    url = topic.get_absolute_url()
    Client().get(url)
    microcache._page_namespaces.clear()  # the page was stored by another process
    assert Client().get(url)["X-Page-Cache"] == "hit"
    services.post_create(topic=topic, author=reader("bruno"), content="Escrita em outro processo.")
    microcache._page_namespaces.clear()
    page = Client().get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "Escrita em outro processo." in page.content.decode()


def test_a_hidden_post_leaves_the_stored_page_at_once():
    topic, (first, _second) = make_topic()
    url = topic.get_absolute_url()
    moderator = UserFactory(is_staff=True)
    Client().get(url)
    cache.delete(path_cache_key(url, KEY_PREFIX))
    Client().get(url)  # stored to live VERSIONED_PAGE_SECONDS
    moderation.post_hide(post=first, actor=moderator, reason="Ofensivo.")
    assert first.content not in Client().get(url).content.decode()
