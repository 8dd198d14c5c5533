"""Reports, the moderation queue, hiding, pin/lock, suspensions and the audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import BookReviewFactory
from core.tests.factories import UserFactory
from debates import selectors
from debates import services as debate_services
from debates.models import DebatePost, DebateTopic, DebateVote
from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from moderation import services
from moderation.models import DebateSuspension, ModerationAction, PostReport, ReviewReport

pytestmark = pytest.mark.django_db


def topic_url(topic) -> str:
    return reverse("debates:topic_detail", kwargs={"slug": topic.slug})


def report_url(post) -> str:
    return reverse("moderation:post_report", kwargs={"pk": post.pk})


@pytest.fixture
def moderator():
    return UserFactory(is_staff=True)


@pytest.fixture
def mod_client(moderator):
    """A client of its own, so a test can hold a reader's and a moderator's session at once."""
    client = Client()
    client.force_login(moderator)
    return client


# --- reports and the queue ----------------------------------------------------------------


def test_report_then_queue_then_hide_with_reason_then_restore(
    auth_client, user, mod_client, django_capture_on_commit_callbacks
):
    post = DebatePostFactory(content="Texto ofensivo aqui")
    response = auth_client.post(report_url(post), {"reason": "offensive", "text": "Ataca outro leitor."})
    assert response.status_code == 302
    report = PostReport.objects.get()
    assert (report.reporter, report.status) == (user, PostReport.Status.OPEN)

    client = mod_client
    queue = client.get(reverse("moderation:moderation_queue")).content.decode()
    assert "Ataca outro leitor." in queue and "Texto ofensivo aqui" in queue

    hide = reverse("moderation:post_hide", kwargs={"pk": post.pk})
    with django_capture_on_commit_callbacks(execute=True):  # the cache bump runs on commit
        response = client.post(hide, {"reason": "Ofensa pessoal", "next": "fila"})
    assert response["Location"] == reverse("moderation:moderation_queue")
    report.refresh_from_db()
    assert report.status == PostReport.Status.RESOLVED and report.resolved_by.is_staff
    assert "Nenhuma denúncia aberta." in client.get(reverse("moderation:moderation_queue")).content.decode()
    html = auth_client.get(topic_url(post.topic)).content.decode()
    assert "Ocultada pela moderação: Ofensa pessoal" in html and "Texto ofensivo aqui" not in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("moderation:post_restore", kwargs={"pk": post.pk}))
    html = auth_client.get(topic_url(post.topic)).content.decode()
    assert "Texto ofensivo aqui" in html and "Ocultada pela moderação" not in html


def test_reporting_twice_keeps_one_open_report(auth_client):
    post = DebatePostFactory()
    assert auth_client.post(report_url(post), {"reason": "spam"}).status_code == 302
    response = auth_client.post(report_url(post), {"reason": "spam"})
    assert response.status_code == 409
    assert "Você já denunciou esta mensagem" in response.content.decode()
    assert PostReport.objects.count() == 1


def test_a_dismissed_report_lets_the_reader_report_again(auth_client, moderator):
    post = DebatePostFactory()
    auth_client.post(report_url(post), {"reason": "spam"})
    services.report_dismiss(report=PostReport.objects.get(), actor=moderator)
    assert auth_client.post(report_url(post), {"reason": "spoiler"}).status_code == 302
    assert PostReport.objects.filter(status=PostReport.Status.OPEN).count() == 1


@pytest.mark.parametrize("data", [{"reason": "bobagem"}, {}, {"reason": "spam", "text": "x" * 1001}])
def test_report_with_bad_input_is_400_and_writes_nothing(auth_client, data):
    response = auth_client.post(report_url(DebatePostFactory()), data)
    assert response.status_code == 400
    assert not PostReport.objects.exists()


def test_bad_reason_message_is_in_portuguese(auth_client):
    response = auth_client.post(report_url(DebatePostFactory()), {"reason": "bobagem"})
    assert "Escolha um motivo da lista." in response.content.decode()


def test_nobody_reports_their_own_post(auth_client, user):
    response = auth_client.post(report_url(DebatePostFactory(author=user)), {"reason": "spam"})
    assert response.status_code == 422 and not PostReport.objects.exists()


def test_anonymous_report_goes_to_login(client):
    response = client.post(report_url(DebatePostFactory()), {"reason": "spam"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_report_form_renders_for_a_reader(auth_client):
    assert auth_client.get(report_url(DebatePostFactory())).status_code == 200


def test_queue_is_for_moderators_only(auth_client):
    url = reverse("moderation:moderation_queue")
    assert "login" in Client().get(url)["Location"]
    assert auth_client.get(url).status_code == 403


def test_readers_cannot_hide_restore_or_dismiss(auth_client):
    post = DebatePostFactory()
    report = PostReport.objects.create(post=post, reporter=UserFactory(), reason="spam")
    assert auth_client.post(reverse("moderation:post_hide", kwargs={"pk": post.pk}), {"reason": "x"}).status_code == 403
    assert auth_client.post(reverse("moderation:post_restore", kwargs={"pk": post.pk})).status_code == 403
    assert auth_client.post(reverse("moderation:report_dismiss", kwargs={"pk": report.pk})).status_code == 403
    post.refresh_from_db()
    report.refresh_from_db()
    assert not post.is_hidden and report.status == PostReport.Status.OPEN


def test_hiding_needs_a_reason(mod_client):
    post = DebatePostFactory()
    response = mod_client.post(reverse("moderation:post_hide", kwargs={"pk": post.pk}), {"reason": "  "})
    assert response.status_code == 400 and "Informe o motivo." in response.content.decode()
    assert not DebatePost.objects.get(pk=post.pk).is_hidden


def test_hidden_post_takes_no_votes_nor_replies(user):
    post = DebatePostFactory()
    services.post_hide(post=post, actor=UserFactory(is_staff=True), reason="spam")
    with pytest.raises(Exception, match="excluída"):
        debate_services.vote_toggle(post=post, user=user, value=1)
    with pytest.raises(Exception, match="excluída"):
        debate_services.post_create(topic=post.topic, author=user, content="oi", parent_id=post.pk)


@pytest.mark.parametrize("size", [10, 200])
def test_queue_queries_are_fixed_at_any_size(mod_client, django_assert_num_queries, size):
    reporters = UserFactory.create_batch(5)
    posts = DebatePostFactory.create_batch(max(1, size // 5))
    PostReport.objects.bulk_create(
        PostReport(post=posts[i % len(posts)], reporter=reporters[i // len(posts)], reason="spam") for i in range(size)
    )
    reviews = BookReviewFactory.create_batch(max(1, size // 5))
    ReviewReport.objects.bulk_create(
        ReviewReport(review=reviews[i % len(reviews)], reporter=reporters[i // len(reviews)], reason="spam")
        for i in range(size)
    )
    # the user, the notifications counter of the page header, the count, one page of
    # reports with post, topic, author and reporter; the oldest review reports with review,
    # book and people, and their count.
    with django_assert_num_queries(6):
        assert mod_client.get(reverse("moderation:moderation_queue")).status_code == 200


# --- pin and lock ---------------------------------------------------------------------------


def test_reader_cannot_pin_or_lock(auth_client):
    topic = DebateTopicFactory()
    for name in ("moderation:topic_pin", "moderation:topic_lock"):
        assert auth_client.post(reverse(name, kwargs={"slug": topic.slug}), {"value": "1"}).status_code == 403
    topic.refresh_from_db()
    assert not topic.is_pinned and not topic.is_locked


def test_staff_pins_and_locks_from_the_topic_page(client):
    client.force_login(UserFactory(is_staff=True))
    topic = DebateTopicFactory()
    assert "Fixar no topo" in client.get(topic_url(topic)).content.decode()
    client.post(reverse("moderation:topic_pin", kwargs={"slug": topic.slug}), {"value": "1"})
    client.post(reverse("moderation:topic_lock", kwargs={"slug": topic.slug}), {"value": "1"})
    topic.refresh_from_db()
    assert topic.is_pinned and topic.is_locked
    assert client.post(reverse("moderation:topic_lock", kwargs={"slug": topic.slug}), {"value": "x"}).status_code == 400


def test_moderation_pages_keep_their_paths_under_debates():
    """Links and bookmarks from before the app existed still work."""
    assert reverse("moderation:moderation_queue") == "/debates/moderacao/"
    assert reverse("moderation:post_report", kwargs={"pk": 7}) == "/debates/mensagens/7/denunciar/"
    assert reverse("moderation:review_report", kwargs={"pk": 7}) == "/debates/resenhas/7/denunciar/"
    assert reverse("moderation:topic_pin", kwargs={"slug": "capitu"}) == "/debates/capitu/fixar/"


# --- suspensions -------------------------------------------------------------------------


def test_suspended_reader_can_read_but_gets_403_on_post_topic_and_vote(auth_client, user, moderator):
    topic = DebateTopicFactory()
    post = DebatePostFactory(topic=topic)
    services.user_suspend(user=user, actor=moderator, reason="Ofensas repetidas", days=7)

    assert auth_client.get(topic_url(topic)).status_code == 200
    response = auth_client.post(reverse("debates:post_create", kwargs={"slug": topic.slug}), {"content": "oi"})
    assert response.status_code == 403
    assert "Você está suspenso dos debates até" in response.content.decode()
    assert "Ofensas repetidas" in response.content.decode()
    create = reverse("debates:topic_create", kwargs={"book_slug": topic.book.slug})
    assert auth_client.post(create, {"title": "Um novo debate"}).status_code == 403
    vote = reverse("debates:post_vote", kwargs={"pk": post.pk})
    assert auth_client.post(vote, {"value": "1"}).status_code == 403
    assert auth_client.post(vote, {"value": "1"}, headers={"HX-Request": "true"}).status_code == 403
    assert DebatePost.objects.count() == 1
    assert DebateTopic.objects.count() == 1
    assert not DebateVote.objects.exists()


def test_expired_suspension_no_longer_blocks(user, moderator):
    services.user_suspend(user=user, actor=moderator, reason="Spam", days=1)
    DebateSuspension.objects.update(until=timezone.now() - timedelta(minutes=1))
    debate_services.post_create(topic=DebateTopicFactory(), author=user, content="voltei")


def test_suspension_until_lifted_blocks_the_services(user, moderator):
    services.user_suspend(user=user, actor=moderator, reason="Spam")
    with pytest.raises(PermissionDenied, match="suspenso"):
        debate_services.topic_create(book=DebateTopicFactory().book, creator=user, title="Título válido")
    services.user_unsuspend(user=user, actor=moderator)
    debate_services.topic_create(book=DebateTopicFactory().book, creator=user, title="Título válido")


def test_moderator_suspends_from_the_queue(mod_client, user):
    url = reverse("moderation:user_suspend", kwargs={"user_id": user.pk})
    assert mod_client.post(url, {"days": "3", "reason": "Spam"}).status_code == 302
    suspension = DebateSuspension.objects.get(user=user)
    assert suspension.until > timezone.now() + timedelta(days=2)


@pytest.mark.parametrize("data", [{"days": "0", "reason": "Spam"}, {"days": "3"}, {"days": "abc", "reason": "x"}])
def test_suspension_with_bad_input_is_400(mod_client, user, data):
    response = mod_client.post(reverse("moderation:user_suspend", kwargs={"user_id": user.pk}), data)
    assert response.status_code == 400 and not DebateSuspension.objects.exists()


def test_readers_cannot_suspend_and_moderators_are_not_suspended(auth_client, mod_client, moderator):
    other = UserFactory()
    assert (
        auth_client.post(reverse("moderation:user_suspend", kwargs={"user_id": other.pk}), {"reason": "x"}).status_code
        == 403
    )
    staff = UserFactory(is_staff=True)
    response = mod_client.post(reverse("moderation:user_suspend", kwargs={"user_id": staff.pk}), {"reason": "x"})
    assert response.status_code == 400 and not DebateSuspension.objects.exists()


def test_hiding_a_post_drops_the_stored_anonymous_topic_page(
    client, moderator, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 10  # the production default (the tests turn it off)
    post = DebatePostFactory(content="Texto que vai sumir")
    url = topic_url(post.topic)
    assert "Texto que vai sumir" in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(post=post, actor=moderator, reason="Spam")
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss" and "Texto que vai sumir" not in fresh.content.decode()


# --- audit trail -------------------------------------------------------------------------


def test_hide_and_restore_leave_an_audit_trail_and_keep_the_reason(moderator):
    post = DebatePostFactory()
    services.post_hide(post=post, actor=moderator, reason="spam")
    services.post_restore(post=post, actor=moderator)
    post.refresh_from_db()
    assert (post.is_hidden, post.hidden_reason, post.hidden_by) == (False, "spam", moderator)
    trail = list(ModerationAction.objects.filter(target_type="post", target_id=post.pk).order_by("id"))
    assert [(a.actor, a.kind, a.reason) for a in trail] == [(moderator, "hide", "spam"), (moderator, "restore", "")]
    # Restored: the kept reason is for the trail, not for readers.
    node = selectors.post_node(DebatePost.objects.select_related("author").get(pk=post.pk))
    assert node.hidden_reason == "" and node.content == post.content


def test_every_moderator_action_is_logged_and_the_log_is_append_only(moderator):
    topic, member = DebateTopicFactory(), UserFactory()
    services.topic_set_pinned(topic=topic, actor=moderator, pinned=True)
    services.topic_set_locked(topic=topic, actor=moderator, locked=True)
    services.user_suspend(user=member, actor=moderator, reason="insultos", days=3)
    services.user_unsuspend(user=member, actor=moderator)
    kinds = list(ModerationAction.objects.order_by("id").values_list("kind", "target_type", "target_id"))
    assert kinds == [
        ("pin", "topic", topic.pk),
        ("lock", "topic", topic.pk),
        ("suspend", "user", member.pk),
        ("unsuspend", "user", member.pk),
    ]
    action = ModerationAction.objects.first()
    with pytest.raises(ValueError):
        action.save()
    with pytest.raises(ValueError):
        action.delete()
