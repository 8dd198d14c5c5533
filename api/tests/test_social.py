"""Follow, unfollow, the feed and a reader's activities through the API."""

import pytest

from core.privacy import Visibility
from core.tests.factories import UserFactory
from social import services
from social.models import Follow, FollowPolicy
from social.tests import helpers

pytestmark = pytest.mark.django_db


def test_follow_then_feed_then_unfollow(reader_api, reader):
    friend = UserFactory()
    helpers.make_finished(friend)
    response = reader_api.post(f"/api/v1/readers/{friend.username}/follow/")
    assert response.status_code == 201 and response.json() == {"status": "accepted", "followers_count": 1}
    feed = reader_api.get("/api/v1/me/feed/").json()
    assert [(row["actor"], row["verb"]) for row in feed["results"]] == [(friend.username, "finished")]
    assert feed["results"][0]["book"]["slug"] and feed["next"] is None
    assert reader_api.delete(f"/api/v1/readers/{friend.username}/follow/").status_code == 204
    assert not Follow.objects.exists()


def test_follow_refusals_are_clear(reader_api, reader):
    closed = UserFactory()
    services.follow_policy_set(user=closed, policy=FollowPolicy.NOBODY)
    response = reader_api.post(f"/api/v1/readers/{closed.username}/follow/")
    assert response.status_code == 422 and "não aceita seguidores" in response.json()["error"]
    assert reader_api.post(f"/api/v1/readers/{reader.username}/follow/").status_code == 422
    assert reader_api.post("/api/v1/readers/ninguem/follow/").status_code == 404
    approval = UserFactory()
    services.follow_policy_set(user=approval, policy=FollowPolicy.APPROVAL)
    assert reader_api.post(f"/api/v1/readers/{approval.username}/follow/").json()["status"] == "pending"


def test_activities_respect_privacy_and_page_by_cursor(api, reader_api, reader):
    author = UserFactory()
    for _ in range(3):
        helpers.make_finished(author)
    helpers.make_reviewed(author, visibility=Visibility.PRIVATE)
    first = api.get(f"/api/v1/readers/{author.username}/activities/", {"cursor": ""}).json()
    assert [row["verb"] for row in first["results"]] == ["finished"] * 3  # the private review is left out
    services.follow_policy_set(user=author, policy=FollowPolicy.APPROVAL)
    assert api.get(f"/api/v1/readers/{author.username}/activities/").status_code == 404
    response = reader_api.get("/api/v1/me/feed/", {"cursor": "x"})
    assert response.status_code == 400 and "Posição inválida" in response.json()["error"]
    assert api.get("/api/v1/me/feed/").status_code in (401, 403)
