"""A reader's stored profile lives until something it shows changes (core.microcache,
`until_changed`): their own writes, others' follows, a moderator hiding one of their posts."""

import pytest
from django.urls import reverse

from catalog.tests.factories import BookFactory
from core.microcache import KEY_PREFIX, READER_KEY_PREFIX
from core.tests.clients import signed_in
from core.tests.factories import UserFactory
from core.tests.pages import stored_to_live, visitor_client
from moderation import services as moderation
from social import services
from social.tests.helpers import make_post

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.full_stack,
    pytest.mark.usefixtures("on_commit_at_once", "stored_pages"),
]


@pytest.fixture
def owner():
    return UserFactory(username="dona_do_perfil")


@pytest.fixture(params=[KEY_PREFIX, READER_KEY_PREFIX])
def visitor(request):
    return visitor_client(request.param)


def profile_url(user) -> str:
    return reverse("accounts:profile", kwargs={"username": user.username})


def test_the_owners_write_renders_their_profile_again(owner, visitor):
    stored_to_live(visitor, profile_url(owner))
    book = BookFactory(title="Memórias Póstumas")
    shelf = reverse("accounts:shelf_update", kwargs={"slug": book.slug})
    data = {"action": "add", "shelf_type": "read", "custom_name": ""}
    assert signed_in(owner, enforce_csrf_checks=False).post(shelf, data).status_code == 302
    page = visitor.get(profile_url(owner))
    assert page["X-Page-Cache"] in ("miss", "shared")  # visitors' from the readers' new rendering
    assert "Memórias Póstumas" in page.content.decode()


def test_a_new_follower_shows_on_the_stored_profile(owner, visitor):
    stored_to_live(visitor, profile_url(owner))
    services.follow_create(follower=UserFactory(), followee=owner)
    assert "1 seguidor" in visitor.get(profile_url(owner)).content.decode()


def test_a_post_hidden_by_a_moderator_leaves_its_authors_profile(owner, visitor):
    post = make_post(owner)
    stored_to_live(visitor, profile_url(owner))
    assert post.content in visitor.get(profile_url(owner)).content.decode()
    moderation.post_hide(post=post, actor=UserFactory(is_staff=True), reason="Fora do tema.")
    assert post.content not in visitor.get(profile_url(owner)).content.decode()
