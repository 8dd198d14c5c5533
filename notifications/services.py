"""Writes of the notifications app: follows, notification rows, fan-out and upkeep.

Bulk inserts send no signals, so each one flushes its recipients' unread counters itself.
Every write that a task may retry is idempotent: rows carry a dedupe key, inserted with
ON CONFLICT DO NOTHING, and deadline reminders move `deadline_reminded_at` with the insert.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import ReadingProgress
from core.personal import reader_wrote
from debates.models import DebatePost
from notifications import cache as notifications_cache
from notifications.models import Notification, TopicFollow

User = get_user_model()

FANOUT_CHUNK_SIZE = 1000
# Score marks that notify a post's author, once each (only the highest one reached).
VOTE_MILESTONES = (5, 10, 25, 50, 100)
# At most this many @mentions of one post notify anyone (a post cannot page the whole site).
MAX_MENTIONS = 10
MENTION_RE = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")
DEADLINE_WINDOW_DAYS = 3
DEADLINE_REMIND_EVERY = timedelta(hours=24)
PRUNE_CHUNK_SIZE = 5000


def email_enabled() -> bool:
    return settings.NOTIFICATIONS_EMAIL


def _email_new(rows: list[Notification], since: datetime) -> None:
    """Queue emails for the rows this insert created (a retried insert created none)."""
    if not rows or not email_enabled():
        return
    from notifications.tasks import notifications_email_send  # tasks import this module

    created = Notification.objects.filter(
        recipient_id__in={row.recipient_id for row in rows},
        dedupe_key__in={row.dedupe_key for row in rows},
        created_at__gte=since,
    ).values_list("pk", flat=True)
    ids = list(created)
    if ids:
        from core.jobs import enqueue_on_commit

        enqueue_on_commit(notifications_email_send, ids)


def _insert(rows: list[Notification], *, email: bool = False) -> None:
    """Insert rows in one small transaction; duplicates (same recipient and key) are skipped."""
    if not rows:
        return
    since = timezone.now()
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        notifications_cache.flush_unread(*(row.recipient_id for row in rows))
        if email:
            _email_new(rows, since)


# --- Follows ------------------------------------------------------------------------------


@transaction.atomic
def topic_follow(*, user_id: int, topic_id: int) -> None:
    """Follow a topic; following it again changes nothing (one INSERT .. ON CONFLICT DO NOTHING)."""
    TopicFollow.objects.bulk_create([TopicFollow(user_id=user_id, topic_id=topic_id)], ignore_conflicts=True)
    reader_wrote(user_id)  # their cached facts (core.personal), whoever follows for them


@transaction.atomic
def topic_unfollow(*, user_id: int, topic_id: int) -> None:
    TopicFollow.objects.filter(user_id=user_id, topic_id=topic_id).delete()
    reader_wrote(user_id)


# --- Notifications ------------------------------------------------------------------------


@transaction.atomic
def notification_create(
    *,
    recipient_id: int,
    kind: str,
    actor_id: int | None = None,
    topic_id: int | None = None,
    post_id: int | None = None,
    book_id: int | None = None,
    milestone: int | None = None,
    message: str = "",
    dedupe_key: str = "",
) -> Notification | None:
    """Create one notification; None when `dedupe_key` was already used for this recipient.

    The public entry point for other apps (e.g. "import finished"); see docs/notifications.md.
    """
    if actor_id is not None and actor_id == recipient_id:
        return None  # nobody is notified of their own action
    if not User.objects.filter(pk=recipient_id).exists():
        raise ValidationError({"recipient_id": _("Leitor não encontrado.")})
    notification = Notification(
        recipient_id=recipient_id,
        kind=kind,
        actor_id=actor_id,
        topic_id=topic_id,
        post_id=post_id,
        book_id=book_id,
        milestone=milestone,
        message=(message or "").strip(),
        dedupe_key=dedupe_key,
    )
    # Related ids come from the caller's own rows (FKs are checked at commit); the
    # unique key is enforced by the insert below.
    notification.full_clean(exclude=["recipient", "actor", "topic", "post", "book"], validate_constraints=False)
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # The dedupe key was taken (asked of the table: each database words the error its own way).
        if dedupe_key and Notification.objects.filter(recipient_id=recipient_id, dedupe_key=dedupe_key).exists():
            return None
        raise
    notifications_cache.flush_unread(recipient_id)
    if email_enabled():
        from core.jobs import enqueue_on_commit
        from notifications.tasks import notifications_email_send

        enqueue_on_commit(notifications_email_send, [notification.pk])
    return notification


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    notifications_cache.flush_unread(user.pk)
    return marked


# --- Fan-out of a new post ------------------------------------------------------------------


def mentioned_usernames(content: str) -> list[str]:
    """The distinct @usernames of a text, in order, at most MAX_MENTIONS."""
    names: list[str] = []
    for match in MENTION_RE.finditer(content or ""):
        name = match.group(1).rstrip(".")
        if name and name not in names:
            names.append(name)
            if len(names) == MAX_MENTIONS:
                break
    return names


def _post_row(post: DebatePost, kind: str, recipient_id: int) -> Notification:
    return Notification(
        recipient_id=recipient_id,
        kind=kind,
        actor_id=post.author_id,
        topic_id=post.topic_id,
        post_id=post.pk,
        dedupe_key=f"post:{post.pk}",
    )


def post_notify(*, post_id: int, chunk_size: int = FANOUT_CHUNK_SIZE) -> int:
    """Notify everyone a new post concerns; returns how many recipients were considered.

    Each recipient gets one notification per post, of the most specific kind: the parent
    post's author a reply, mentioned readers a mention, the topic's followers a new post.
    Followers are walked in user id order, one small transaction per chunk, so a topic
    with 10,000 followers never holds one long transaction and a retry resumes cheaply.
    """
    post = (
        DebatePost.objects.select_related("parent")
        .only("pk", "topic_id", "author_id", "content", "is_deleted", "parent__author_id")
        .filter(pk=post_id)
        .first()
    )
    if post is None or post.is_deleted:
        return 0
    direct: dict[int, str] = {}  # recipient id → kind; the first kind wins
    if post.parent_id:
        direct[post.parent.author_id] = Notification.Kind.REPLY
    names = mentioned_usernames(post.content)
    if names:
        for user_id in User.objects.filter(username__in=names, is_active=True).values_list("pk", flat=True):
            direct.setdefault(user_id, Notification.Kind.MENTION)
    direct.pop(post.author_id, None)
    _insert([_post_row(post, kind, user_id) for user_id, kind in direct.items()], email=True)

    total, last_user_id = len(direct), 0
    skip = {post.author_id, *direct}
    while True:
        follower_ids = list(
            TopicFollow.objects.filter(topic_id=post.topic_id, user_id__gt=last_user_id)
            .order_by("user_id")
            .values_list("user_id", flat=True)[:chunk_size]
        )
        if not follower_ids:
            return total
        last_user_id = follower_ids[-1]
        recipients = [user_id for user_id in follower_ids if user_id not in skip]
        _insert([_post_row(post, Notification.Kind.TOPIC_POST, user_id) for user_id in recipients])
        total += len(recipients)


def vote_milestone_notify(*, post_id: int) -> int | None:
    """Tell a post's author that its score reached a mark (the highest one, once each)."""
    fields = ("pk", "topic_id", "author_id", "votes_score", "is_deleted")
    post = DebatePost.objects.only(*fields).filter(pk=post_id).first()
    if post is None or post.is_deleted:
        return None
    reached = [mark for mark in VOTE_MILESTONES if post.votes_score >= mark]
    if not reached:
        return None
    milestone = reached[-1]
    row = Notification(
        recipient_id=post.author_id,
        kind=Notification.Kind.VOTE_MILESTONE,
        topic_id=post.topic_id,
        post_id=post.pk,
        milestone=milestone,
        dedupe_key=f"milestone:{post.pk}:{milestone}",
    )
    _insert([row], email=True)
    return milestone


# --- Periodic upkeep -------------------------------------------------------------------------


def _deadline_message(progress: ReadingProgress, today) -> str:
    values = {"book": progress.book.title[:200], "date": formats.date_format(progress.deadline, "SHORT_DATE_FORMAT")}
    if progress.deadline < today:
        return _("O prazo para terminar “%(book)s” passou em %(date)s.") % values
    return _("O prazo para terminar “%(book)s” termina em %(date)s.") % values


def deadline_reminders_send(*, now: datetime | None = None, chunk_size: int = FANOUT_CHUNK_SIZE) -> int:
    """Remind readers whose deadline is near or past; returns how many were reminded.

    Due: a deadline within DEADLINE_WINDOW_DAYS (or past), not finished, not abandoned,
    not reminded in the last 24 h. Each chunk locks its rows (SKIP LOCKED, so two runs
    never remind twice), inserts the notifications and stamps `deadline_reminded_at`
    in one transaction; the dedupe key (one per reading per day) guards retries too.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = ReadingProgress.objects.filter(
        # The conditions of the partial index accounts_progress_deadline_idx.
        Q(deadline_reminded_at__isnull=True) | Q(deadline_reminded_at__lte=now - DEADLINE_REMIND_EVERY),
        deadline__isnull=False,
        finished_at__isnull=True,
        is_abandoned=False,
        deadline__lte=today + timedelta(days=DEADLINE_WINDOW_DAYS),
    )
    reminded = 0
    while True:
        with transaction.atomic():
            chunk = list(
                due.select_related("book")
                .only("pk", "user_id", "book_id", "deadline", "book__title")
                .order_by("deadline", "pk")
                .select_for_update(of=("self",), skip_locked=True)[:chunk_size]
            )
            if not chunk:
                return reminded
            rows = [
                Notification(
                    recipient_id=progress.user_id,
                    kind=Notification.Kind.DEADLINE,
                    book_id=progress.book_id,
                    message=_deadline_message(progress, today),
                    dedupe_key=f"deadline:{progress.pk}:{today.isoformat()}",
                )
                for progress in chunk
            ]
            _insert(rows, email=True)
            ReadingProgress.objects.filter(pk__in=[progress.pk for progress in chunk]).update(deadline_reminded_at=now)
            reminded += len(chunk)


def notifications_prune(*, days: int | None = None) -> int:
    """Delete read notifications older than `days` (NOTIFICATIONS_PRUNE_DAYS), in chunks."""
    days = days if days is not None else settings.NOTIFICATIONS_PRUNE_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    while True:
        ids = list(Notification.objects.filter(read_at__lt=cutoff).values_list("pk", flat=True)[:PRUNE_CHUNK_SIZE])
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += Notification.objects.filter(pk__in=ids).delete()[0]
