"""A profile shared with signed-in readers (core.microcache.reader_page_cache) is the page a
stranger sees: each reader's follow buttons and "segue você" are filled per request, and
readers whose view differs (blocked readers, approved followers of a reader who shows
activities to them only) get pages rendered for them alone; the owner, their own page stored
for them alone (accounts/tests/test_own_profile_page.py)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.fragments import CSRF_MARK
from core.microcache import READER_KEY_PREFIX, path_cache_key
from core.replica import WROTE_COOKIE
from core.tests.clients import signed_in
from core.tests.factories import UserFactory
from social import services
from social.models import FollowPolicy
from social.tests.helpers import make_topic

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_at_once")]


@pytest.fixture(autouse=True)
def _shared_pages(settings):
    settings.PAGE_CACHE_SECONDS = 10


@pytest.fixture
def owner():
    return UserFactory(username="dona_do_perfil")


def url_of(user) -> str:
    return reverse("accounts:profile", kwargs={"username": user.username})


def stored(user) -> str:
    return cache.get(path_cache_key(url_of(user), READER_KEY_PREFIX))[0]


def actions_of(html: str) -> str:
    return re.search(r'<div class="social-actions">.*?</details>', html, re.S)[0]


def test_strangers_share_one_rendering_each_with_their_own_buttons(owner):
    ana, bruno = UserFactory(username="ana_leitora"), UserFactory(username="bruno_leitor")
    services.follow_create(follower=ana, followee=owner)
    services.follow_create(follower=owner, followee=bruno)
    first, second = signed_in(ana).get(url_of(owner)), signed_in(bruno).get(url_of(owner))
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    ana_html, bruno_html = first.content.decode(), second.content.decode()
    assert "Deixar de seguir" in actions_of(ana_html) and "Silenciar no meu feed" in ana_html
    assert "segue você" not in ana_html and "Remover dos seguidores" not in ana_html
    assert ">Seguir<" in actions_of(bruno_html) and "Deixar de seguir" not in bruno_html
    assert "segue você" in bruno_html and "Remover dos seguidores" in bruno_html
    for html in (ana_html, bruno_html):
        assert "<!--viewer" not in html and "<!--slot" not in html and CSRF_MARK not in html
    assert "ana_leitora" not in bruno_html and "bruno_leitor" not in ana_html


def test_the_stored_profile_is_a_strangers_with_no_reader_data(owner):
    ana = UserFactory(username="ana_leitora")
    services.follow_create(follower=ana, followee=owner)
    services.follow_create(follower=owner, followee=ana)
    signed_in(ana).get(url_of(owner))
    page = stored(owner)
    assert "ana_leitora" not in page and "Deixar de seguir" not in page and "segue você" not in page
    assert "<!--slot:follow:" in page and ">Seguir<" in page and CSRF_MARK in page


def test_the_request_button_of_a_reader_who_approves_followers(owner):
    services.follow_policy_set(user=owner, policy=FollowPolicy.APPROVAL)
    ana, bruno = UserFactory(), UserFactory()
    services.follow_create(follower=ana, followee=owner)  # pending
    first, second = signed_in(ana).get(url_of(owner)), signed_in(bruno).get(url_of(owner))
    assert second["X-Page-Cache"] == "hit"
    assert "Cancelar pedido" in first.content.decode()
    assert "Pedir para seguir" in second.content.decode() and "Cancelar pedido" not in second.content.decode()


def test_activities_for_approved_followers_only_reach_the_owner_and_followers(owner):
    services.follow_policy_set(user=owner, policy=FollowPolicy.APPROVAL)
    title = make_topic(owner).title  # shown in the activities only
    follower, stranger = UserFactory(), UserFactory()
    services.follow_create(follower=follower, followee=owner)
    services.follow_request_accept(user=owner, follower_id=follower.pk)

    first_stranger = signed_in(stranger).get(url_of(owner))
    assert first_stranger["X-Page-Cache"] == "miss" and title not in first_stranger.content.decode()
    assert "só a quem ele aprovou" in first_stranger.content.decode()
    # The follower's view is rendered for them alone, the owner's stored for them alone.
    for reader, page_cache in ((follower, None), (owner, "miss")):
        response = signed_in(reader).get(url_of(owner))
        assert response.get("X-Page-Cache") == page_cache
        assert title in response.content.decode()
    assert title not in stored(owner)
    again = signed_in(stranger).get(url_of(owner))
    assert again["X-Page-Cache"] == "hit" and title not in again.content.decode()


@pytest.mark.parametrize("who_blocks", ["owner", "visitor"])
def test_blocked_readers_get_their_own_page_without_activities(owner, who_blocks):
    title = make_topic(owner).title
    visitor, stranger = UserFactory(), UserFactory()
    signed_in(stranger).get(url_of(owner))  # a stored page with the activity exists
    assert title in stored(owner)
    if who_blocks == "owner":
        services.block_create(blocker=owner, blocked=visitor)
    else:
        services.block_create(blocker=visitor, blocked=owner)
    response = signed_in(visitor).get(url_of(owner))
    html = response.content.decode()
    assert "X-Page-Cache" not in response
    assert title not in html and "Vocês não veem as atividades um do outro." in html
    assert ("Desbloquear" in html) == (who_blocks == "visitor")
    assert ">Seguir<" not in html


def test_after_following_the_reader_sees_it_on_the_next_get(owner):
    bruno, ana = UserFactory(), UserFactory()
    client = signed_in(bruno)
    page = client.get(url_of(owner)).content.decode()
    assert ">Seguir<" in actions_of(page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    follow = client.post(reverse("social:follow", kwargs={"username": owner.username}), {"csrfmiddlewaretoken": token})
    assert follow.status_code == 302
    assert "Deixar de seguir" in client.get(url_of(owner)).content.decode()
    # Past the writer's own window the shared page (warmed by another reader) says the same.
    client.cookies.pop(WROTE_COOKIE, None)
    client.cookies.pop("messages", None)  # the test client keeps a deleted cookie, empty
    signed_in(ana).get(url_of(owner))
    later = client.get(url_of(owner))
    assert later["X-Page-Cache"] == "hit" and "Deixar de seguir" in actions_of(later.content.decode())


def test_a_shared_profile_hit_costs_a_fixed_number_of_queries(owner, django_assert_num_queries):
    for _ in range(3):
        make_topic(owner)
        services.follow_create(follower=UserFactory(), followee=owner)
    ana = UserFactory()
    services.follow_create(follower=ana, followee=owner)
    signed_in(UserFactory()).get(url_of(owner))
    client = signed_in(ana)
    client.get(url_of(owner))
    # The relationship comes from the reader's cached facts (core.personal), as do the reader
    # and the header's unread count: no query.
    with django_assert_num_queries(0):
        response = client.get(url_of(owner))
    assert response["X-Page-Cache"] == "hit" and "Deixar de seguir" in response.content.decode()
    # A stranger to the owner: known as one from the same facts, no query either.
    stranger = signed_in(UserFactory())
    stranger.get(url_of(owner))
    with django_assert_num_queries(0):
        response = stranger.get(url_of(owner))
    assert response["X-Page-Cache"] == "hit" and "Deixar de seguir" not in response.content.decode()


def test_a_followers_cached_relation_follows_the_owners_policy(owner, django_capture_on_commit_callbacks):
    """Approved followers of a reader who shows activities to them only see a page of their own."""
    ana = UserFactory()
    services.follow_create(follower=ana, followee=owner)
    client = signed_in(ana)
    client.get(url_of(owner))
    assert client.get(url_of(owner))["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_policy_set(user=owner, policy=FollowPolicy.APPROVAL)
    assert "X-Page-Cache" not in client.get(url_of(owner))  # rendered for her alone


def test_closing_activities_to_approved_followers_drops_the_stored_profile(owner, django_capture_on_commit_callbacks):
    title = make_topic(owner).title
    stranger = signed_in(UserFactory())
    assert title in stranger.get(url_of(owner)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_policy_set(user=owner, policy=FollowPolicy.APPROVAL)
    after = stranger.get(url_of(owner))
    assert after["X-Page-Cache"] == "miss" and title not in after.content.decode()


def test_a_block_by_the_owner_reaches_a_followers_cached_relation(owner):
    ana = UserFactory()
    services.follow_create(follower=ana, followee=owner)
    client = signed_in(ana)
    client.get(url_of(owner))
    assert client.get(url_of(owner))["X-Page-Cache"] == "hit"
    services.block_create(blocker=owner, blocked=ana)  # the owner's hand, not ana's
    assert "X-Page-Cache" not in client.get(url_of(owner))  # blocked: rendered for her alone


@pytest.mark.parametrize("policy", [FollowPolicy.ANYONE, FollowPolicy.APPROVAL])
def test_a_visitor_gets_the_strangers_rendering_as_a_visitors_own(owner, settings, policy):
    from django.test import Client

    from social.tests.helpers import make_finished, make_reviewed

    services.follow_policy_set(user=owner, policy=policy)
    make_finished(owner), make_reviewed(owner)
    ana = UserFactory(username="ana_leitora")
    services.follow_create(follower=owner, followee=ana)
    assert signed_in(ana).get(url_of(owner))["X-Page-Cache"] == "miss"
    shared = Client().get(url_of(owner))
    assert shared["X-Page-Cache"] == "shared" and not shared.cookies
    settings.PAGE_CACHE_SECONDS = 0  # no page cache: rendered for this visitor
    assert shared.content == Client().get(url_of(owner)).content
    html = shared.content.decode()
    assert "ana_leitora" not in html and "Seguir<" not in html and "segue você" not in html and "<!--" not in html
