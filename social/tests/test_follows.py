"""Follow rules: policies, requests, blocks, mutes, counters and the pages that drive them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog.tests.factories import BookFactory
from core.privacy import Visibility
from social import panels, selectors, services
from social.models import Activity, Follow, FollowPolicy, SocialSettings

pytestmark = pytest.mark.django_db


def counts(user):
    row = SocialSettings.objects.filter(user=user).values_list("followers_count", "following_count").first()
    return row or (0, 0)


def test_follow_anyone_is_accepted_and_counted(reader, friend):
    follow = services.follow_create(follower=reader, followee=friend)
    assert follow.status == Follow.Status.ACCEPTED
    assert counts(friend) == (1, 0) and counts(reader) == (0, 1)
    # Following again changes nothing (no double count).
    services.follow_create(follower=reader, followee=friend)
    assert counts(friend) == (1, 0)
    assert services.follow_delete(follower=reader, followee=friend)
    assert counts(friend) == (0, 0) and counts(reader) == (0, 0)
    assert not services.follow_delete(follower=reader, followee=friend)


def test_nobody_cannot_be_followed_and_self_follow_is_refused(reader, friend):
    services.follow_policy_set(user=friend, policy=FollowPolicy.NOBODY)
    with pytest.raises(ValidationError, match="não aceita seguidores"):
        services.follow_create(follower=reader, followee=friend)
    with pytest.raises(ValidationError, match="si mesmo"):
        services.follow_create(follower=reader, followee=reader)
    with pytest.raises(ValidationError):
        services.follow_policy_set(user=reader, policy="everyone")
    assert not Follow.objects.exists()


def test_approval_makes_a_request_that_counts_once_accepted(reader, friend, stranger):
    services.follow_policy_set(user=friend, policy=FollowPolicy.APPROVAL)
    request = services.follow_create(follower=reader, followee=friend)
    assert request.status == Follow.Status.PENDING and counts(friend) == (0, 0)
    assert [f.follower for f in selectors.pending_requests(user=friend)] == [reader]
    assert services.follow_request_accept(user=friend, follower_id=reader.pk)
    assert counts(friend) == (1, 0)
    # A denied request (removed) leaves nothing behind.
    services.follow_create(follower=stranger, followee=friend)
    assert services.follower_remove(user=friend, follower_id=stranger.pk)
    assert counts(friend) == (1, 0) and not Follow.objects.filter(follower=stranger).exists()


def test_opening_the_policy_accepts_pending_and_closing_drops_them(reader, friend, stranger):
    services.follow_policy_set(user=friend, policy=FollowPolicy.APPROVAL)
    services.follow_create(follower=reader, followee=friend)
    services.follow_policy_set(user=friend, policy=FollowPolicy.ANYONE)
    assert Follow.objects.get(follower=reader).status == Follow.Status.ACCEPTED and counts(friend) == (1, 0)
    services.follow_policy_set(user=friend, policy=FollowPolicy.APPROVAL)
    services.follow_create(follower=stranger, followee=friend)
    services.follow_policy_set(user=friend, policy=FollowPolicy.NOBODY)
    assert not Follow.objects.filter(follower=stranger).exists()
    assert Follow.objects.filter(follower=reader).exists()  # current followers stay


def test_block_ends_follows_both_ways_and_refuses_new_ones(reader, friend):
    services.follow_create(follower=reader, followee=friend)
    services.follow_create(follower=friend, followee=reader)
    services.block_create(blocker=friend, blocked=reader)
    assert not Follow.objects.exists()
    assert counts(reader) == (0, 0) and counts(friend) == (0, 0)
    for follower, followee in ((reader, friend), (friend, reader)):
        with pytest.raises(ValidationError):
            services.follow_create(follower=follower, followee=followee)
    rel = selectors.relationship(viewer=reader, owner=friend)
    assert rel.blocked_by and not rel.can_see and not rel.can_follow
    services.block_delete(blocker=friend, blocked=reader)
    services.follow_create(follower=reader, followee=friend)


def test_relationship_and_reconcile(reader, friend):
    services.follow_create(follower=reader, followee=friend)
    services.mute_create(muter=reader, muted=friend)
    rel = selectors.relationship(viewer=reader, owner=friend)
    assert rel.following and rel.muting and rel.followers_count == 1 and rel.can_see
    assert selectors.relationship(viewer=friend, owner=reader).follows_you
    SocialSettings.objects.filter(user=friend).update(followers_count=7)
    assert services.social_counts_reconcile() == 1
    assert counts(friend) == (1, 0)


def test_approval_reader_shows_lists_to_followers_only(client, reader, friend, stranger):
    services.follow_policy_set(user=friend, policy=FollowPolicy.APPROVAL)
    services.follow_create(follower=reader, followee=friend)
    services.follow_request_accept(user=friend, follower_id=reader.pk)
    url = reverse("social:followers", kwargs={"username": friend.username})
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.force_login(reader)
    response = client.get(url)
    assert response.status_code == 200 and reader.username in response.content.decode()
    assert client.get(reverse("social:following", kwargs={"username": reader.username})).status_code == 200


def test_profile_buttons_follow_and_unfollow_without_javascript(client, reader, friend):
    client.force_login(reader)
    profile = reverse("accounts:profile", kwargs={"username": friend.username})
    page = client.get(profile).content.decode()
    assert reverse("social:follow", kwargs={"username": friend.username}) in page
    response = client.post(reverse("social:follow", kwargs={"username": friend.username}))
    assert response.status_code == 302 and response.url == profile
    page = client.get(profile).content.decode()
    assert reverse("social:unfollow", kwargs={"username": friend.username}) in page
    assert "1 seguidor" in page
    client.post(reverse("social:unfollow", kwargs={"username": friend.username}))
    assert not Follow.objects.exists()


def test_refused_follow_is_a_422_with_a_message(client, reader, friend):
    services.follow_policy_set(user=friend, policy=FollowPolicy.NOBODY)
    client.force_login(reader)
    response = client.post(reverse("social:follow", kwargs={"username": friend.username}))
    assert response.status_code == 422
    assert "não aceita seguidores" in response.content.decode()
    assert client.post(reverse("social:follow", kwargs={"username": "ninguem"})).status_code == 404
    assert client.get(reverse("social:follow", kwargs={"username": friend.username})).status_code == 405


def test_settings_page_sets_the_policy_and_rejects_bad_values(client, reader):
    client.force_login(reader)
    url = reverse("social:settings")
    assert client.get(url).status_code == 200
    assert client.post(url, {"follow_policy": "approval"}).status_code == 302
    assert SocialSettings.objects.get(user=reader).follow_policy == FollowPolicy.APPROVAL
    assert client.post(url, {"follow_policy": "todos"}).status_code == 422


def test_requests_page_accepts(client, reader, friend):
    services.follow_policy_set(user=friend, policy=FollowPolicy.APPROVAL)
    services.follow_create(follower=reader, followee=friend)
    client.force_login(friend)
    assert reader.username in client.get(reverse("social:requests")).content.decode()
    client.post(reverse("social:accept", kwargs={"username": reader.username}))
    assert Follow.objects.get(follower=reader).status == Follow.Status.ACCEPTED


def test_anonymous_cannot_follow(client, friend):
    response = client.post(reverse("social:follow", kwargs={"username": friend.username}))
    assert response.status_code == 302 and "login" in response.url


def _bulk_followers(owner, count: int) -> None:
    User = get_user_model()
    start = User.objects.count()
    users = User.objects.bulk_create(User(username=f"fa{start + n}") for n in range(count))
    Follow.objects.bulk_create(Follow(follower=user, followee=owner) for user in users)


def test_follower_list_past_the_end_is_the_last_page(client, reader):
    _bulk_followers(reader, selectors.LIST_PAGE_SIZE + 1)
    url = reverse("social:followers", kwargs={"username": reader.username})
    last = client.get(url, {"pagina": "99"})
    assert last.status_code == 200 and last.context["page"] == 2 and len(last.context["people"]) == 1
    assert "?pagina=1" in last.content.decode() and not last.context["has_next"]
    first = client.get(url, {"pagina": "abc"})
    assert first.context["page"] == 1 and len(first.context["people"]) == selectors.LIST_PAGE_SIZE
    assert first.context["has_next"]


@pytest.mark.parametrize("count", [2, 200])
def test_follow_box_on_someone_elses_profile_costs_flat_queries(rf, reader, friend, count, django_assert_num_queries):
    """A signed-in visitor: the owner's settings, follows between the two, blocks, mute, and
    the owner's latest activities, whatever the number of followers and activities."""
    _bulk_followers(friend, count)
    book = BookFactory()
    Activity.objects.bulk_create(
        Activity(actor=friend, verb=Activity.Verb.FINISHED, book=book, visibility=Visibility.PUBLIC)
        for _ in range(count)
    )
    request = rf.get("/")
    request.user = reader
    panels.profile_panel(request, friend)  # caches the activities' lines
    with django_assert_num_queries(5):
        html = panels.profile_panel(request, friend)
    assert book.title in html and "Seguir" in html
