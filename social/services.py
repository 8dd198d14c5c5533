"""Writes of the social app: follows, blocks, mutes, the follow policy, and activities.

Keyword-only, one transaction each, pt-BR `ValidationError`s. Follower counters move with
F() and are recomputed by `social_counts_reconcile`. A change in who a reader follows drops
their Redis feed on commit: the next read rebuilds it from the database.
"""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.cache import purge_profile_page
from accounts.models import BookReview, BookShelf, ReadingProgress, ShelfVisibility
from core.privacy import Visibility
from core.tasks import enqueue_on_commit
from debates.models import DebatePost, DebateTopic
from library.models import ReadingGoal
from social import cache as social_cache
from social import feeds
from social.models import Activity, Block, Follow, FollowPolicy, Mute, SocialSettings

Status = Follow.Status
Verb = Activity.Verb
ShelfType = BookShelf.ShelfType


# --- Settings and counters ----------------------------------------------------------------


def _ensure_settings(*user_ids: int) -> None:
    SocialSettings.objects.bulk_create([SocialSettings(user_id=uid) for uid in user_ids], ignore_conflicts=True)


def follow_policy(user_id: int) -> str:
    policy = SocialSettings.objects.filter(user_id=user_id).values_list("follow_policy", flat=True).first()
    return policy or FollowPolicy.ANYONE


def _move_counts(*, follower_id: int, followee_id: int, delta: int) -> None:
    """An accepted follow appeared (+1) or went away (-1): move both counters, never below 0."""
    _ensure_settings(follower_id, followee_id)
    SocialSettings.objects.filter(user_id=follower_id).update(following_count=Greatest(F("following_count") + delta, 0))
    SocialSettings.objects.filter(user_id=followee_id).update(followers_count=Greatest(F("followers_count") + delta, 0))
    threshold = settings.SOCIAL_FANOUT_MAX_FOLLOWERS
    crossed = threshold if delta > 0 else threshold - 1
    if SocialSettings.objects.filter(user_id=followee_id, followers_count=crossed).exists():
        social_cache.flush_big_accounts()  # the followee starts or stops being read-merged
    _feeds_changed(follower_id)
    social_cache.flush_relations_of(followee_id)


def _feeds_changed(*user_ids: int) -> None:
    social_cache.flush_relations(*user_ids)
    transaction.on_commit(lambda: feeds.feed_drop(*user_ids))


def blocked_between(a_id: int, b_id: int) -> bool:
    return Block.objects.filter(Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)).exists()


# --- Follows --------------------------------------------------------------------------------


@transaction.atomic
def follow_create(*, follower: AbstractBaseUser, followee: AbstractBaseUser) -> Follow:
    """Follow `followee`, or ask to (approval policy). Following again changes nothing."""
    if follower.pk == followee.pk:
        raise ValidationError(_("Você não pode seguir a si mesmo."))
    existing = Follow.objects.filter(follower=follower, followee=followee).first()
    if existing:
        return existing
    if not followee.is_active or blocked_between(follower.pk, followee.pk):
        raise ValidationError(_("Não é possível seguir este leitor."))
    policy = follow_policy(followee.pk)
    if policy == FollowPolicy.NOBODY:
        raise ValidationError(_("Este leitor não aceita seguidores."))
    status = Status.PENDING if policy == FollowPolicy.APPROVAL else Status.ACCEPTED
    try:
        with transaction.atomic():
            follow = Follow.objects.create(follower=follower, followee=followee, status=status)
    except IntegrityError:  # a double click: the first request followed already
        return Follow.objects.get(follower=follower, followee=followee)
    if status == Status.ACCEPTED:
        _move_counts(follower_id=follower.pk, followee_id=followee.pk, delta=1)
    else:
        social_cache.flush_relations(follower.pk)
    return follow


def _follow_remove(*, follower_id: int, followee_id: int) -> bool:
    follow = Follow.objects.select_for_update().filter(follower_id=follower_id, followee_id=followee_id).first()
    if follow is None:
        return False
    follow.delete()
    if follow.status == Status.ACCEPTED:
        _move_counts(follower_id=follower_id, followee_id=followee_id, delta=-1)
    else:
        social_cache.flush_relations(follower_id)
    return True


@transaction.atomic
def follow_delete(*, follower: AbstractBaseUser, followee: AbstractBaseUser) -> bool:
    """Unfollow (or withdraw a request); True if there was something to undo."""
    return _follow_remove(follower_id=follower.pk, followee_id=followee.pk)


@transaction.atomic
def follower_remove(*, user: AbstractBaseUser, follower_id: int) -> bool:
    """The reader stops `follower` from following them (or denies a pending request)."""
    return _follow_remove(follower_id=follower_id, followee_id=user.pk)


@transaction.atomic
def follow_request_accept(*, user: AbstractBaseUser, follower_id: int) -> bool:
    accepted = Follow.objects.filter(follower_id=follower_id, followee=user, status=Status.PENDING).update(
        status=Status.ACCEPTED
    )
    if accepted:
        _move_counts(follower_id=follower_id, followee_id=user.pk, delta=1)
    return bool(accepted)


@transaction.atomic
def follow_policy_set(*, user: AbstractBaseUser, policy: str) -> SocialSettings:
    """Who may follow `user` from now on. Current followers stay (block or remove them one by
    one); pending requests are accepted when the policy opens to anyone, dropped when it
    closes to nobody."""
    if policy not in FollowPolicy.values:
        raise ValidationError(_("Escolha quem pode seguir você: qualquer leitor, só quem você aprovar ou ninguém."))
    _ensure_settings(user.pk)
    SocialSettings.objects.filter(user=user).update(follow_policy=policy)
    # Closing activities to approved followers must not wait for the stored profile to expire,
    # nor for what the readers related to them cached of them (selectors.cached_relation).
    purge_profile_page(user_id=user.pk)
    social_cache.flush_relations_of(user.pk)
    pending = Follow.objects.filter(followee=user, status=Status.PENDING)
    if policy == FollowPolicy.NOBODY:
        pending.delete()
    elif policy == FollowPolicy.ANYONE:
        for follower_id in list(pending.values_list("follower_id", flat=True)):
            follow_request_accept(user=user, follower_id=follower_id)
    return SocialSettings.objects.get(user=user)


# --- Blocks and mutes -----------------------------------------------------------------------


@transaction.atomic
def block_create(*, blocker: AbstractBaseUser, blocked: AbstractBaseUser) -> Block:
    """Block a reader: follows both ways end and neither sees the other's activities."""
    if blocker.pk == blocked.pk:
        raise ValidationError(_("Você não pode bloquear a si mesmo."))
    block, _new = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    _follow_remove(follower_id=blocker.pk, followee_id=blocked.pk)
    _follow_remove(follower_id=blocked.pk, followee_id=blocker.pk)
    _feeds_changed(blocker.pk, blocked.pk)
    social_cache.flush_community()
    return block


@transaction.atomic
def block_delete(*, blocker: AbstractBaseUser, blocked: AbstractBaseUser) -> bool:
    deleted, _detail = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    _feeds_changed(blocker.pk, blocked.pk)
    return bool(deleted)


@transaction.atomic
def mute_create(*, muter: AbstractBaseUser, muted: AbstractBaseUser) -> Mute:
    if muter.pk == muted.pk:
        raise ValidationError(_("Você não pode silenciar a si mesmo."))
    mute, _new = Mute.objects.get_or_create(muter=muter, muted=muted)
    _feeds_changed(muter.pk)
    return mute


@transaction.atomic
def mute_delete(*, muter: AbstractBaseUser, muted: AbstractBaseUser) -> bool:
    deleted, _detail = Mute.objects.filter(muter=muter, muted=muted).delete()
    _feeds_changed(muter.pk)
    return bool(deleted)


def social_counts_reconcile() -> int:
    """Recompute every reader's follower and following counts; returns how many rows drifted.

    One query finds the rows whose counts differ from their follows, one UPDATE sets them.
    """
    accepted = Follow.objects.filter(status=Status.ACCEPTED)
    involved = Q(pk__in=accepted.values("follower_id")) | Q(pk__in=accepted.values("followee_id"))
    _ensure_settings(*get_user_model().objects.filter(involved, social__isnull=True).values_list("pk", flat=True))
    actual = {
        "followers_count": _count_of(accepted, "followee_id"),
        "following_count": _count_of(accepted, "follower_id"),
    }
    drifted = list(
        SocialSettings.objects.annotate(**{f"actual_{name}": value for name, value in actual.items()})
        .filter(~Q(followers_count=F("actual_followers_count")) | ~Q(following_count=F("actual_following_count")))
        .values_list("user_id", flat=True)
    )
    if drifted:
        SocialSettings.objects.filter(user_id__in=drifted).update(**actual)
        social_cache.flush_big_accounts()
    return len(drifted)


def _count_of(follows: QuerySet, column: str):
    """The number of `follows` whose `column` is the row's user, as a subquery (0 without any)."""
    counted = follows.filter(**{column: OuterRef("user_id")}).values(column).annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted), 0)


# --- Activities -----------------------------------------------------------------------------
# Recorded by the receivers in social/signals.py as the other apps write; each activity's
# visibility follows its item's. Feeds learn of it after commit (tasks on the "feeds" queue).

VERB_OF_SHELF = {
    ShelfType.READING: Verb.STARTED,
    ShelfType.READ: Verb.FINISHED,
    ShelfType.ABANDONED: Verb.ABANDONED,
}
# The shelf whose visibility an activity of each verb takes.
SHELF_OF_VERB = {
    Verb.STARTED: ShelfType.READING,
    Verb.PROGRESS: ShelfType.READING,
    Verb.FINISHED: ShelfType.READ,
    Verb.ABANDONED: ShelfType.ABANDONED,
}
MILESTONES = (75, 50, 25)


def _shelf_visibility(user_id: int, shelf_type: str) -> str:
    setting = ShelfVisibility.objects.filter(user_id=user_id, shelf_type=shelf_type, custom_name="")
    return setting.values_list("visibility", flat=True).first() or Visibility.PUBLIC


def _announce(activity_ids: list[int]) -> None:
    from social import tasks  # tasks call these services

    if activity_ids:
        enqueue_on_commit(tasks.feeds_fanout, list(activity_ids))


def _retract(activity_ids: list[int], actor_id: int) -> None:
    from social import tasks

    if activity_ids:
        enqueue_on_commit(tasks.feeds_retract, list(activity_ids), actor_id)
    social_cache.flush_community()


def _restate(activities: QuerySet, visibility: str) -> None:
    """Give these activities a new visibility; feeds gain or lose them after commit."""
    changed = list(activities.exclude(visibility=visibility).values_list("id", "actor_id", "visibility"))
    if not changed:
        return
    Activity.objects.filter(pk__in=[row[0] for row in changed]).update(visibility=visibility)
    if visibility == Visibility.PUBLIC:
        _announce([row[0] for row in changed])
        return
    for actor_id in {row[1] for row in changed}:
        _retract([row[0] for row in changed if row[1] == actor_id and row[2] == Visibility.PUBLIC], actor_id)


def _fan_out_new(activity: Activity) -> Activity:
    if activity.visibility == Visibility.PUBLIC:
        _announce([activity.pk])
    return activity


@transaction.atomic
def activity_record_shelf_move(*, entry: BookShelf) -> Activity | None:
    """Started, finished or abandoned a book. Moving the book there again (a re-read)
    brings the same activity back to the top of the feeds."""
    verb = VERB_OF_SHELF.get(entry.shelf_type)
    if verb is None:
        return None
    activity, _new = Activity.objects.update_or_create(
        shelf_entry=entry,
        verb=verb,
        defaults={
            "actor_id": entry.user_id,
            "book_id": entry.book_id,
            "visibility": _shelf_visibility(entry.user_id, entry.shelf_type),
            "created_at": timezone.now(),
        },
    )
    _fan_out_new(activity)
    if verb == Verb.FINISHED:
        goal_check(user_id=entry.user_id, year=(entry.finished_at or timezone.localdate()).year)
    return activity


@transaction.atomic
def activity_record_progress(*, progress: ReadingProgress) -> Activity | None:
    """A milestone (25, 50 or 75%) of a reading in progress, once per reading and mark."""
    if progress.finished_at or progress.is_abandoned or progress.percentage >= 100:
        return None
    reached = next((mark for mark in MILESTONES if progress.percentage >= mark), None)
    if reached is None:
        return None
    activity, created = Activity.objects.get_or_create(
        progress=progress,
        percent=reached,
        defaults={
            "actor_id": progress.user_id,
            "verb": Verb.PROGRESS,
            "book_id": progress.book_id,
            "visibility": _shelf_visibility(progress.user_id, ShelfType.READING),
        },
    )
    return _fan_out_new(activity) if created else activity


@transaction.atomic
def activity_sync_review(*, review: BookReview) -> Activity:
    """Rated (a rating alone) or reviewed (with text); hidden by a moderator counts as private."""
    verb = Verb.REVIEWED if (review.text or "").strip() or (review.title or "").strip() else Verb.RATED
    visibility = Visibility.PRIVATE if review.is_hidden else review.visibility
    activity = Activity.objects.filter(review=review).first()
    if activity is None:
        activity = Activity.objects.create(
            actor_id=review.user_id, verb=verb, book_id=review.book_id, review=review, visibility=visibility
        )
        return _fan_out_new(activity)
    if activity.verb != verb:
        Activity.objects.filter(pk=activity.pk).update(verb=verb)
    _restate(Activity.objects.filter(pk=activity.pk), visibility)
    social_cache.flush_lines(activity.pk)  # its rating or title may have changed
    return activity


@transaction.atomic
def activity_record_topic(*, topic: DebateTopic) -> Activity:
    activity, created = Activity.objects.get_or_create(
        topic=topic,
        verb=Verb.TOPIC,
        defaults={"actor_id": topic.creator_id, "book_id": topic.book_id, "visibility": Visibility.PUBLIC},
    )
    return _fan_out_new(activity) if created else activity


@transaction.atomic
def activity_record_post(*, post: DebatePost) -> Activity | None:
    """A post in a debate; a topic's opening post is already told by "abriu um debate"."""
    topic = post.topic
    if post.parent_id is None and post.author_id == topic.creator_id:
        if not DebatePost.objects.filter(topic_id=topic.pk).exclude(pk=post.pk).exists():
            return None
    activity, created = Activity.objects.get_or_create(
        post=post,
        defaults={
            "actor_id": post.author_id,
            "verb": Verb.POST,
            "topic_id": topic.pk,
            "book_id": topic.book_id,
            "visibility": Visibility.PUBLIC,
        },
    )
    return _fan_out_new(activity) if created else activity


@transaction.atomic
def activity_sync_post(*, post_id: int, is_hidden: bool, is_deleted: bool) -> None:
    """A post hidden by a moderator or deleted leaves every feed; restored, it comes back."""
    visibility = Visibility.PRIVATE if is_hidden or is_deleted else Visibility.PUBLIC
    activities = Activity.objects.filter(post_id=post_id)
    _restate(activities, visibility)
    rows = list(activities.values_list("id", "actor_id"))
    social_cache.flush_lines(*(activity_id for activity_id, _actor in rows))  # an edit changes its quote
    # A moderator's hand too: the author's stored profile shows the post's line.
    for actor_id in {actor for _id, actor in rows}:
        purge_profile_page(user_id=actor_id)


@transaction.atomic
def activities_sync_shelf(*, user_id: int, shelf_type: str, visibility: str) -> None:
    """A status shelf's visibility changed: its moves (and Lendo's milestones) follow."""
    verbs = [verb for verb, shelf in SHELF_OF_VERB.items() if shelf == shelf_type]
    if verbs:
        _restate(Activity.objects.filter(actor_id=user_id, verb__in=verbs), visibility)


@transaction.atomic
def activity_sync_goal(*, goal: ReadingGoal) -> None:
    activities = Activity.objects.filter(goal=goal)
    _restate(activities, goal.visibility)
    social_cache.flush_lines(*activities.values_list("id", flat=True))  # the goal's number may have changed
    goal_check(user_id=goal.user_id, year=goal.year)


def goal_check(*, user_id: int, year: int) -> Activity | None:
    """Record "goal reached" once the year's finished books meet the reader's goal."""
    goal = ReadingGoal.objects.filter(user_id=user_id, year=year).first()
    if goal is None:
        return None
    finished = BookShelf.objects.filter(user_id=user_id, shelf_type=ShelfType.READ)
    done = finished.filter(finished_at__gte=date(year, 1, 1), finished_at__lt=date(year + 1, 1, 1)).count()
    if done < goal.books:
        return None
    activity, created = Activity.objects.get_or_create(
        goal=goal, defaults={"actor_id": user_id, "verb": Verb.GOAL, "visibility": goal.visibility}
    )
    return _fan_out_new(activity) if created else activity


def activity_deleted(*, activity_id: int, actor_id: int, visibility: str) -> None:
    """Its item was deleted (the foreign key cascaded): clean the feeds that hold it."""
    if visibility == Visibility.PUBLIC:
        _retract([activity_id], actor_id)


# --- Feed fan-out (run by the tasks on the "feeds" queue) -----------------------------------


def fanout_plan(*, activity_ids: list[int]) -> list[tuple[list[tuple[int, int]], list[int]]]:
    """What to push where: for each actor, their public activities (id, score) and the ids of
    the feeds to push them into — the actor's own and, unless the actor is read-merged,
    every follower's (those who muted the actor left out)."""
    rows = Activity.objects.filter(pk__in=activity_ids, visibility=Visibility.PUBLIC)
    by_actor: dict[int, list[tuple[int, int]]] = {}
    for activity_id, actor_id, created_at in rows.values_list("id", "actor_id", "created_at"):
        by_actor.setdefault(actor_id, []).append((activity_id, feeds.score_of(created_at)))
    plan = []
    for actor_id, entries in by_actor.items():
        plan.append((entries, [actor_id] + _fanout_followers(actor_id)))
    return plan


def _is_read_merged(actor_id: int) -> bool:
    count = SocialSettings.objects.filter(user_id=actor_id).values_list("followers_count", flat=True).first()
    return (count or 0) >= settings.SOCIAL_FANOUT_MAX_FOLLOWERS


def _fanout_followers(actor_id: int) -> list[int]:
    """Whose feeds hold the actor's activities besides their own; none if read-merged, whose
    followers' cached feeds are rendered again instead (they read the actor when loaded)."""
    if _is_read_merged(actor_id):
        social_cache.flush_read_merged()
        return []
    muters = Mute.objects.filter(muted_id=actor_id).values("muter_id")
    followers = Follow.objects.filter(followee_id=actor_id, status=Status.ACCEPTED).exclude(follower_id__in=muters)
    return list(followers.values_list("follower_id", flat=True))


def activities_retract(*, activity_ids: list[int], actor_id: int) -> int:
    """Take activities out of every feed that may hold them; returns how many feeds were touched."""
    holders = [actor_id] + _fanout_followers(actor_id)
    feeds.feed_remove(holders, activity_ids)
    social_cache.flush_feeds(*holders)
    return len(holders)
