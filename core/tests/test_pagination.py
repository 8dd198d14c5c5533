"""One pagination policy: pages and the API clamp a bad or too-large page, never 404."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.tests.factories import BookFactory
from core.pagination import page_number
from debates.tests.factories import DebatePostFactory, DebateTopicFactory


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3), ("", 1), (None, 1), ("0", 1), ("-2", 1), ("abc", 1), ("²", 1), ("1e309", 1), ("9" * 50, 1)],
)
def test_page_number_is_a_positive_whole_number_or_1(value, expected):
    assert page_number(value) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("param", ["pagina", "page"])
def test_past_the_end_is_the_last_page_on_pages_and_in_the_api(client, settings, param):
    settings.POSTS_PAGE_SIZE = 2
    topic = DebateTopicFactory()
    roots = DebatePostFactory.create_batch(3, topic=topic)
    page = client.get(reverse("debates:topic_detail", kwargs={"slug": topic.slug}), {param: "999"})
    assert page.status_code == 200 and f'id="post-{roots[2].pk}"' in page.content.decode()
    api = APIClient().get(f"/api/v1/topics/{topic.slug}/posts/", {param: "999"}).json()
    assert [post["id"] for post in api["results"]] == [roots[2].pk] and api["next"] is None
    assert "pagina" not in (api["previous"] or "")


@pytest.mark.django_db
def test_api_lists_clamp_and_links_use_one_name(settings):
    BookFactory.create_batch(3)
    api = APIClient()
    last = api.get("/api/v1/books/", {"pagina": "99", "page_size": 2}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert "pagina" not in last["previous"] and "page_size=2" in last["previous"]
    assert api.get("/api/v1/books/", {"page": "abc"}).status_code == 200
