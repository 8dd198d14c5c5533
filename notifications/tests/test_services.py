from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import ReadingProgressFactory
from core.tests.factories import UserFactory
from debates import services as debates_services
from debates.models import DebatePost
from debates.tests.factories import DebatePostFactory, DebateTopicFactory, DebateVoteFactory
from notifications import services
from notifications.models import Notification, TopicFollow
from notifications.tests.factories import NotificationFactory, TopicFollowFactory

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- Follows -------------------------------------------------------------------------------


def test_creating_a_topic_follows_it(django_capture_on_commit_callbacks):
    topic = DebateTopicFactory()
    assert TopicFollow.objects.filter(user=topic.creator, topic=topic).exists()


def test_posting_follows_the_topic_once(django_capture_on_commit_callbacks, settings):
    settings.DEBATES_POST_MIN_INTERVAL_SECONDS = 0  # two posts in a row
    topic = DebateTopicFactory()
    author = UserFactory()
    with django_capture_on_commit_callbacks():
        debates_services.post_create(topic=topic, author=author, content="Primeira")
        debates_services.post_create(topic=topic, author=author, content="Segunda")
    assert TopicFollow.objects.filter(user=author, topic=topic).count() == 1


def test_follow_twice_then_unfollow():
    follow = TopicFollowFactory()
    services.topic_follow(user_id=follow.user_id, topic_id=follow.topic_id)
    assert TopicFollow.objects.filter(user=follow.user_id).count() == 1
    services.topic_unfollow(user_id=follow.user_id, topic_id=follow.topic_id)
    assert not TopicFollow.objects.filter(user=follow.user_id).exists()


# --- New posts -----------------------------------------------------------------------------


def test_a_new_post_notifies_followers_but_not_its_author(django_capture_on_commit_callbacks):
    topic = DebateTopicFactory()
    followers = [TopicFollowFactory(topic=topic).user for _ in range(3)]
    author = followers[0]
    with django_capture_on_commit_callbacks(execute=True):
        post = debates_services.post_create(topic=topic, author=author, content="Oi")
    assert kinds_of(author) == []
    for follower in [topic.creator, *followers[1:]]:
        notification = Notification.objects.get(recipient=follower)
        assert (notification.kind, notification.post_id, notification.actor_id) == (Kind.TOPIC_POST, post.pk, author.pk)


def test_a_reply_notifies_the_parent_author_once_as_a_reply(django_capture_on_commit_callbacks):
    topic = DebateTopicFactory()
    parent = DebatePostFactory(topic=topic)
    assert TopicFollow.objects.filter(topic=topic, user=parent.author).exists()  # a follower too
    replier = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        debates_services.post_create(topic=topic, author=replier, content="Concordo", parent_id=parent.pk)
    assert kinds_of(parent.author) == [Kind.REPLY]


def test_replying_to_oneself_notifies_nobody_of_it(django_capture_on_commit_callbacks):
    parent = DebatePostFactory()
    with django_capture_on_commit_callbacks(execute=True):
        debates_services.post_create(
            topic=parent.topic, author=parent.author, content="Eu de novo", parent_id=parent.pk
        )
    assert kinds_of(parent.author) == []


def test_mentions_notify_existing_users_only(django_capture_on_commit_callbacks):
    topic = DebateTopicFactory()
    ana, bia = UserFactory(username="ana"), UserFactory(username="bia.s")
    author = UserFactory(username="carla")
    content = "Oi @ana e @bia.s. Cadê @fantasma? E @carla (eu mesma), e-mail x@ana não conta."
    with django_capture_on_commit_callbacks(execute=True):
        debates_services.post_create(topic=topic, author=author, content=content)
    assert kinds_of(ana) == [Kind.MENTION]
    assert kinds_of(bia) == [Kind.MENTION]
    assert kinds_of(author) == []
    assert Notification.objects.filter(kind=Kind.MENTION).count() == 2


def test_mentioned_usernames_are_distinct_and_capped():
    text = " ".join(f"@u{i} @u{i}" for i in range(30))
    names = services.mentioned_usernames(text)
    assert names == [f"u{i}" for i in range(services.MAX_MENTIONS)]


def test_fanout_in_chunks_reaches_every_follower_once_and_retries_create_no_duplicates():
    post = DebatePostFactory()
    followers = [TopicFollowFactory(topic=post.topic).user for _ in range(10)]
    Notification.objects.all().delete()
    services.post_notify(post_id=post.pk, chunk_size=3)
    services.post_notify(post_id=post.pk, chunk_size=3)  # a retried task
    for follower in followers:
        assert kinds_of(follower) == [Kind.TOPIC_POST]
    # The topic's creator follows it too (auto-follow); the author does not get one.
    assert Notification.objects.count() == 11
    assert kinds_of(post.author) == []


def test_a_deleted_or_missing_post_notifies_nobody():
    post = DebatePostFactory(is_deleted=True)
    TopicFollowFactory(topic=post.topic)
    assert services.post_notify(post_id=post.pk) == 0
    assert services.post_notify(post_id=post.pk + 1000) == 0
    assert not Notification.objects.exists()


# --- Vote milestones -------------------------------------------------------------------------


def test_vote_milestones_notify_the_author_once_each(django_capture_on_commit_callbacks):
    post = DebatePostFactory()
    voters = UserFactory.create_batch(11)
    with django_capture_on_commit_callbacks(execute=True):
        for voter in voters[:4]:
            debates_services.vote_toggle(post=post, user=voter, value=1)
    assert kinds_of(post.author) == []
    with django_capture_on_commit_callbacks(execute=True):
        debates_services.vote_toggle(post=post, user=voters[4], value=1)  # 5
        debates_services.vote_toggle(post=post, user=voters[4], value=1)  # back to 4
        debates_services.vote_toggle(post=post, user=voters[4], value=1)  # 5 again
    milestones = Notification.objects.filter(recipient=post.author, kind=Kind.VOTE_MILESTONE)
    assert list(milestones.values_list("milestone", flat=True)) == [5]
    with django_capture_on_commit_callbacks(execute=True):
        for voter in voters[5:10]:
            debates_services.vote_toggle(post=post, user=voter, value=1)
    assert sorted(milestones.values_list("milestone", flat=True)) == [5, 10]


def test_taking_back_a_down_vote_can_reach_a_milestone(django_capture_on_commit_callbacks):
    post = DebatePostFactory()
    DebateVoteFactory.create_batch(5, post=post)
    down = DebateVoteFactory(post=post, value=-1)
    DebatePost.objects.filter(pk=post.pk).update(votes_score=4, upvotes=5, downvotes=1)
    with django_capture_on_commit_callbacks(execute=True):
        debates_services.vote_toggle(post=post, user=down.user, value=-1)  # removes it: 5
    assert Notification.objects.get(recipient=post.author).milestone == 5


def test_a_score_below_the_first_mark_notifies_nobody():
    post = DebatePostFactory(votes_score=4)
    assert services.vote_milestone_notify(post_id=post.pk) is None
    assert not Notification.objects.exists()


# --- Deadline reminders ----------------------------------------------------------------------


def test_deadline_reminders_pick_due_readings_only():
    today = timezone.localdate()
    near = ReadingProgressFactory(deadline=today + timedelta(days=3))
    late = ReadingProgressFactory(deadline=today - timedelta(days=2))
    far = ReadingProgressFactory(deadline=today + timedelta(days=4))
    finished = ReadingProgressFactory(deadline=today, finished_at=today)
    abandoned = ReadingProgressFactory(deadline=today, is_abandoned=True)
    recent = ReadingProgressFactory(deadline=today, deadline_reminded_at=timezone.now() - timedelta(hours=23))
    stale = ReadingProgressFactory(deadline=today, deadline_reminded_at=timezone.now() - timedelta(hours=25))
    no_deadline = ReadingProgressFactory()

    assert services.deadline_reminders_send(chunk_size=2) == 3

    reminded = set(Notification.objects.filter(kind=Kind.DEADLINE).values_list("recipient_id", flat=True))
    assert reminded == {near.user_id, late.user_id, stale.user_id}
    for progress in (far, finished, abandoned, recent, no_deadline):
        assert progress.user_id not in reminded
    note = Notification.objects.get(recipient=late.user)
    assert note.book_id == late.book_id and "passou" in note.message
    assert "termina" in Notification.objects.get(recipient=near.user).message
    near.refresh_from_db()
    assert near.deadline_reminded_at is not None


def test_deadline_reminders_run_twice_remind_once_then_again_a_day_later():
    progress = ReadingProgressFactory(deadline=date.today())
    now = timezone.now()
    assert services.deadline_reminders_send(now=now) == 1
    assert services.deadline_reminders_send(now=now + timedelta(hours=1)) == 0
    assert Notification.objects.filter(recipient=progress.user).count() == 1
    assert services.deadline_reminders_send(now=now + timedelta(hours=25)) == 1
    assert Notification.objects.filter(recipient=progress.user).count() == 2


# --- The API for other apps ------------------------------------------------------------------


def test_notification_create_is_deduplicated_by_key():
    user = UserFactory()
    first = services.notification_create(
        recipient_id=user.pk, kind=Kind.IMPORT_FINISHED, message="120 livros importados.", dedupe_key="import:7"
    )
    again = services.notification_create(recipient_id=user.pk, kind=Kind.IMPORT_FINISHED, dedupe_key="import:7")
    assert first is not None and again is None
    assert Notification.objects.get().message == "120 livros importados."


def test_notification_create_refuses_bad_input():
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.notification_create(recipient_id=user.pk, kind="nope")
    with pytest.raises(ValidationError):
        services.notification_create(recipient_id=user.pk, kind=Kind.IMPORT_FINISHED, message="x" * 301)
    with pytest.raises(ValidationError):
        services.notification_create(recipient_id=user.pk + 999, kind=Kind.IMPORT_FINISHED)
    assert not Notification.objects.exists()


def test_notification_create_skips_self_notification():
    user = UserFactory()
    assert services.notification_create(recipient_id=user.pk, actor_id=user.pk, kind=Kind.MENTION) is None
    assert not Notification.objects.exists()


# --- Read state and prune ----------------------------------------------------------------------


def test_mark_all_read_touches_only_my_unread_rows():
    mine = NotificationFactory.create_batch(3)
    user = mine[0].recipient
    Notification.objects.filter(pk__in=[n.pk for n in mine]).update(recipient=user)
    other = NotificationFactory()
    assert services.notification_mark_all_read(user=user) == 3
    assert services.notification_mark_all_read(user=user) == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_prune_deletes_old_read_notifications_only():
    old_read = NotificationFactory()
    old_unread = NotificationFactory()
    recent_read = NotificationFactory()
    Notification.objects.filter(pk=old_read.pk).update(read_at=timezone.now() - timedelta(days=91))
    Notification.objects.filter(pk=recent_read.pk).update(read_at=timezone.now() - timedelta(days=89))
    assert services.notifications_prune(days=90) == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {old_unread.pk, recent_read.pk}


def test_email_is_off_by_default(mailoutbox, django_capture_on_commit_callbacks):
    parent = DebatePostFactory()
    with django_capture_on_commit_callbacks(execute=True):
        debates_services.post_create(topic=parent.topic, author=UserFactory(), content="Oi", parent_id=parent.pk)
    assert Notification.objects.filter(recipient=parent.author).exists()
    assert mailoutbox == []


def test_email_when_switched_on_goes_to_direct_notifications(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_EMAIL = True
    parent = DebatePostFactory(author=UserFactory(username="autora"))
    TopicFollowFactory(topic=parent.topic)
    with django_capture_on_commit_callbacks(execute=True):
        debates_services.post_create(
            topic=parent.topic, author=UserFactory(username="bob"), content="Oi", parent_id=parent.pk
        )
    assert [mail.to for mail in mailoutbox] == [[parent.author.email]]
    assert "bob respondeu" in mailoutbox[0].body


def test_a_finished_import_notifies_its_reader_once():
    from types import SimpleNamespace

    from library.signals import import_finished
    from notifications.models import Notification

    reader = UserFactory()
    job = SimpleNamespace(pk=7, user_id=reader.pk, matched=12, unmatched=3)
    import_finished.send(sender=None, job=job)
    import_finished.send(sender=None, job=job)  # a retried task sends it again
    notification = Notification.objects.get(recipient=reader)
    assert notification.kind == Notification.Kind.IMPORT_FINISHED
    assert "12 livros importados, 3 para revisar" in notification.message
