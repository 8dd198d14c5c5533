"""Writes of the debates app. Counters move with F() in the same transaction as the row.

Cache invalidation is wired to model signals (`debates.signals`); writes that bypass
signals (queryset `update()` of counters) bump the namespaces they touch here.
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, ExpressionWrapper, F, FloatField, IntegerField, Value, When
from django.db.models.functions import Cast, Greatest, Log
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catalog.models import Book
from core.moderation import can_moderate, check_may_write
from core.ratelimit import RateLimitExceeded
from debates import cache as debates_cache
from debates import ranking, selectors
from debates.models import DebatePost, DebateTopic, DebateVote, PostEdit, TopicRead
from debates.signals import post_soft_deleted

logger = logging.getLogger(__name__)

TITLE_MIN_LENGTH = 5
TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
CONTENT_MAX_LENGTH = 10000
# First path segments of literal routes under /debates/ that a topic slug must not take.
RESERVED_SLUGS = {"novo", "mensagens", "moderacao", "resenhas"}


def read_cutoff_days() -> int:
    return settings.DEBATES_READ_CUTOFF_DAYS


def max_reply_depth() -> int:
    return max(1, settings.DEBATES_MAX_REPLY_DEPTH)


def post_min_interval() -> int:
    return settings.DEBATES_POST_MIN_INTERVAL_SECONDS


def _flood_check(user) -> None:
    """A minimum interval between two posts of one reader; moderators are exempt.

    `cache.add` is atomic in Redis (SET NX), so two posts racing from two processes
    cannot both pass. Raised as a rate limit: the middleware answers 429 + Retry-After.
    Part of `post_create` (pages, API and a topic's first post alike); writes that bypass
    the service (seeding, imports) are not throttled.
    """
    interval = post_min_interval()
    if interval <= 0 or can_moderate(user):
        return
    key = debates_cache.flood_key(user.pk)
    added = cache.add(key, 1, timeout=interval)
    if added or added is None:  # None: Redis unreachable; fail open like the rate limits
        return
    try:
        ttl = cache.ttl(key) if hasattr(cache, "ttl") else None
    except Exception:  # django-redis lets connection errors through ttl()
        ttl = None
    raise RateLimitExceeded(retry_after=max(1, ttl or interval))


def _hot_score_expression(posts_count, when: datetime):
    """hot = log10(max(posts, 1)) + time term (see debates.ranking), for an UPDATE."""
    time_term = (when.timestamp() - ranking.HOT_EPOCH) / ranking.HOT_DECAY_SECONDS
    posts = Cast(Greatest(posts_count, Value(1)), FloatField())
    return ExpressionWrapper(Log(Value(10.0), posts) + Value(time_term), output_field=FloatField())


def _locked_error() -> ValidationError:
    return ValidationError(_("Este debate está trancado e não aceita novas mensagens."), code="locked")


def _clean_content(content: str, *, field: str = "content") -> str:
    content = (content or "").strip()
    if not content:
        raise ValidationError({field: _("Escreva uma mensagem.")})
    if len(content) > CONTENT_MAX_LENGTH:
        raise ValidationError(
            {field: _("A mensagem pode ter no máximo %(max)d caracteres.") % {"max": CONTENT_MAX_LENGTH}}
        )
    return content


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200].strip("-") or "debate"
    if base not in RESERVED_SLUGS and not DebateTopic.objects.filter(slug=base).exists():
        return base
    return f"{base}-{secrets.token_hex(3)}"


# --- Topics ------------------------------------------------------------------------------


@transaction.atomic
def topic_create(
    *, book: Book, creator, title: str, description: str = "", first_post: str | None = None
) -> DebateTopic:
    title = (title or "").strip()
    description = (description or "").strip()
    if not TITLE_MIN_LENGTH <= len(title) <= TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": _("O título deve ter entre %(min)d e %(max)d caracteres.")
                % {"min": TITLE_MIN_LENGTH, "max": TITLE_MAX_LENGTH}
            }
        )
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            {"description": _("A descrição pode ter no máximo %(max)d caracteres.") % {"max": DESCRIPTION_MAX_LENGTH}}
        )
    if first_post is not None:
        first_post = _clean_content(first_post, field="first_post")
    check_may_write(creator)  # a suspended reader (moderation) opens no topic: 403

    topic = DebateTopic(
        book=book,
        creator=creator,
        title=title,
        description=description,
        slug=_unique_slug(title),
        last_activity_at=timezone.now(),
    )
    topic.hot_score = ranking.hot_score(0, topic.last_activity_at)
    topic.full_clean(exclude=["slug"])
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError:  # a concurrent topic took the same slug between check and insert
        topic.slug = f"{slugify(title)[:200].strip('-') or 'debate'}-{secrets.token_hex(3)}"
        topic.save()
    if first_post:
        post_create(topic=topic, author=creator, content=first_post)
        topic.refresh_from_db(fields=["posts_count", "last_activity_at", "hot_score"])
    return topic


# --- Posts -------------------------------------------------------------------------------


def _reply_parent(*, topic: DebateTopic, parent_id: int | None) -> DebatePost | None:
    if parent_id is None:
        return None
    parent = selectors.reply_parent(topic_id=topic.pk, parent_id=parent_id)
    if parent is None:
        raise ValidationError({"parent": _("A mensagem respondida não pertence a este debate.")}, code="wrong_topic")
    if parent.is_deleted or parent.is_hidden:
        raise ValidationError({"parent": _("Não é possível responder a uma mensagem excluída.")}, code="gone")
    # A reply to a post at the depth cap joins that post's own parent, at the cap: threads
    # stay bounded for the page, the cache and cascading deletes.
    while parent.depth >= max_reply_depth():
        parent = DebatePost.objects.select_related("author").get(pk=parent.parent_id)
    return parent


@transaction.atomic
def post_create(*, topic: DebateTopic, author, content: str, parent_id: int | None = None) -> DebatePost:
    """A post or, with `parent_id`, a reply to a post of the same topic.

    Refused: a suspended author (403), a locked topic (409), a reader posting again
    within the flood interval (429).
    """
    content = _clean_content(content)
    parent = _reply_parent(topic=topic, parent_id=parent_id)
    check_may_write(author)
    post = DebatePost(topic=topic, author=author, parent=parent, content=content)
    post.full_clean(exclude=["topic", "author", "parent", "root"])
    post.save()
    # The topic's last activity is the post's own time, so a reader who saw the topic up to
    # then has seen this post. The lock check and the counter move are one UPDATE: a topic
    # locked a moment ago matches no row, and the whole write (the post too) rolls back.
    # (SET reads the old posts_count.)
    moved = DebateTopic.objects.filter(pk=topic.pk, is_locked=False).update(
        posts_count=F("posts_count") + 1,
        last_activity_at=post.created_at,
        hot_score=_hot_score_expression(F("posts_count") + 1, post.created_at),
    )
    if not moved:
        raise _locked_error()
    _flood_check(author)  # last, so a refused post (locked topic) takes no slot of the interval
    # The author has seen their own post: it does not make the topic unread for them.
    topic_mark_read(user=author, topic_id=topic.pk, read_at=post.created_at)
    return post


def post_check_editable(*, post: DebatePost, editor) -> None:
    """Who may edit a post, and when (the edit form asks before showing the text)."""
    is_moderator = can_moderate(editor)
    if post.author_id != editor.pk and not is_moderator:
        raise PermissionDenied(_("Você só pode editar as suas próprias mensagens."))
    if post.is_deleted:
        raise ValidationError(_("Não é possível editar uma mensagem excluída."))
    if post.is_hidden and not is_moderator:
        raise ValidationError(_("Esta mensagem foi ocultada pela moderação e não pode ser editada."))
    if post.topic.is_locked and not is_moderator:
        raise ValidationError(_("Este debate está trancado; as mensagens não podem mais ser editadas."), code="locked")


def post_check_deletable(*, post: DebatePost, actor) -> None:
    if post.author_id != actor.pk and not can_moderate(actor):
        raise PermissionDenied(_("Você só pode excluir as suas próprias mensagens."))


@transaction.atomic
def post_update(*, post: DebatePost, editor, content: str) -> DebatePost:
    post_check_editable(post=post, editor=editor)
    content = _clean_content(content)
    if content == post.content:
        return post
    PostEdit.objects.create(post=post, editor=editor, old_content=post.content)
    post.content = content
    post.edited_at = timezone.now()
    post.full_clean(exclude=["topic", "author", "parent", "root"])
    post.save(update_fields=["content", "edited_at"])
    return post


@transaction.atomic
def post_soft_delete(*, post: DebatePost, actor) -> DebatePost:
    """Hide a post's content but keep it in the thread (its replies stay in place)."""
    post_check_deletable(post=post, actor=actor)
    # Only the request that flips the flag moves the counter (a double submit is a no-op).
    flipped = DebatePost.objects.filter(pk=post.pk, is_deleted=False).update(is_deleted=True, deleted_at=timezone.now())
    if flipped:
        # hot_score keeps the deleted post until the reconcile: a slight, temporary lift.
        DebateTopic.objects.filter(pk=post.topic_id, posts_count__gt=0).update(posts_count=F("posts_count") - 1)
        # Queryset updates send no signals: invalidate like a save would.
        debates_cache.flush_topic_list(selectors.post_book_id(post))
        debates_cache.flush_topic(post.topic_id)
        post_soft_deleted.send(sender=DebatePost, post=post)
    post.refresh_from_db(fields=["is_deleted", "deleted_at"])
    return post


# --- Votes -------------------------------------------------------------------------------


@transaction.atomic
def vote_toggle(*, post: DebatePost, user, value: int) -> int | None:
    """Vote +1/-1 on a post: the same value again removes the vote, the other flips it.

    Returns the user's vote after the change (None when removed) and refreshes
    `post.votes_score`, `upvotes`, `downvotes` and `wilson_score`. Nobody votes on their
    own post.
    """
    if value not in (DebateVote.Value.UP, DebateVote.Value.DOWN):
        raise ValidationError(_("Voto inválido."))
    if post.is_deleted or post.is_hidden:
        raise ValidationError(_("Não é possível votar em uma mensagem excluída."))
    if post.author_id == user.pk:
        raise ValidationError(_("Você não pode votar na sua própria mensagem."))
    check_may_write(user)

    existing = DebateVote.objects.select_for_update().filter(user=user, post=post).first()
    if existing is None:
        try:
            with transaction.atomic():
                # Value checked above; the unique and check constraints guard the rest.
                DebateVote.objects.create(user=user, post=post, value=value)
        except IntegrityError:  # the same vote, sent twice at once, won the race
            raise ValidationError(_("Seu voto já foi registrado. Atualize a página e tente de novo.")) from None
        added, removed, current = value, None, value
    elif existing.value == value:
        existing.post = post
        existing.delete()
        added, removed, current = None, value, None
    else:
        existing.post = post
        existing.value = value
        existing.save(update_fields=["value"])
        added, removed, current = value, -value, value

    # Counts move with F(); the UPDATE locks the post row until commit, so the counts read
    # back below are final for this transaction and the score computed from them is exact.
    counts = {"votes_score": F("votes_score") + (added or 0) - (removed or 0)}
    for vote, column in ((DebateVote.Value.UP, "upvotes"), (DebateVote.Value.DOWN, "downvotes")):
        change = (added == vote) - (removed == vote)
        if change:
            # Never below 0: a count that drifted (bulk loads) must not turn a vote into a 500;
            # debates_counters_reconcile puts it right.
            counts[column] = Greatest(F(column) + change, 0)
    moved = DebatePost.objects.filter(pk=post.pk, is_deleted=False, is_hidden=False).update(**counts)
    if not moved:  # deleted or hidden while we voted
        raise ValidationError(_("Não é possível votar em uma mensagem excluída."))
    post.refresh_from_db(fields=["votes_score", "upvotes", "downvotes"])
    post.wilson_score = ranking.wilson_lower_bound(post.upvotes, post.downvotes)
    DebatePost.objects.filter(pk=post.pk).update(wilson_score=post.wilson_score)
    return current


# --- Read tracking -----------------------------------------------------------------------


def topic_mark_read(*, user, topic_id: int, read_at: datetime) -> None:
    """Remember that `user` has seen the topic up to `read_at`; a mark never moves back. One
    statement: a visit pays this whenever the topic has something new for the reader."""
    table = TopicRead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, topic_id, read_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (user_id, topic_id) DO UPDATE SET read_at = excluded.read_at "
            f"WHERE {table}.read_at < excluded.read_at",
            [user.pk, topic_id, connection.ops.adapt_datetimefield_value(read_at)],
        )
    debates_cache.flush_reads(user_id=user.pk, topic_id=topic_id, read_at=read_at)


def topic_reads_prune() -> int:
    """Delete read marks older than the cutoff: past it every topic counts as read anyway."""
    cutoff = timezone.now() - timedelta(days=read_cutoff_days())
    deleted, _details = TopicRead.objects.filter(read_at__lt=cutoff).delete()
    return deleted


# --- Counters ----------------------------------------------------------------------------


def topic_register_view(topic_id: int) -> None:
    """Count a page view: buffered in Redis, straight to the database without it."""
    if debates_cache.views_buffer_incr(topic_id):
        return
    DebateTopic.objects.filter(pk=topic_id).update(views_count=F("views_count") + 1)


def topic_views_flush() -> int:
    """Move buffered view counts into `views_count`; returns the number of views moved.

    Each buffered count is taken with GETDEL, so running this twice never adds twice.
    """
    counts = {}
    for topic_id in debates_cache.views_buffer_topic_ids():
        count = debates_cache.views_buffer_take(topic_id)
        if count > 0:
            counts[topic_id] = count
    if not counts:
        return 0
    increment = Case(
        *(When(pk=topic_id, then=Value(count)) for topic_id, count in counts.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    try:
        with transaction.atomic():
            DebateTopic.objects.filter(pk__in=counts).update(views_count=F("views_count") + increment)
    except Exception:
        debates_cache.views_buffer_put_back(counts)
        raise
    return sum(counts.values())


_RECONCILE_POSTS_COUNT = """
UPDATE debates_debatetopic AS t
SET posts_count = s.live, last_activity_at = s.last_at
FROM (
    SELECT topic_id,
           COUNT(*) FILTER (WHERE NOT is_deleted) AS live,
           MAX(created_at) AS last_at
    FROM debates_debatepost GROUP BY topic_id
) AS s
WHERE t.id = s.topic_id AND (t.posts_count <> s.live OR t.last_activity_at <> s.last_at)
RETURNING t.id, t.book_id
"""
_RECONCILE_EMPTY_TOPICS = """
UPDATE debates_debatetopic AS t
SET posts_count = 0, last_activity_at = t.created_at
WHERE (t.posts_count <> 0 OR t.last_activity_at <> t.created_at)
  AND NOT EXISTS (SELECT 1 FROM debates_debatepost AS p WHERE p.topic_id = t.id)
RETURNING t.id, t.book_id
"""
_RECONCILE_SCORES = f"""
UPDATE debates_debatepost AS p
SET votes_score = s.up - s.down, upvotes = s.up, downvotes = s.down,
    wilson_score = {ranking.WILSON_SQL.format(up="s.up", down="s.down")}
FROM (
    SELECT post_id, COUNT(*) FILTER (WHERE value = 1) AS up, COUNT(*) FILTER (WHERE value = -1) AS down
    FROM debates_debatevote GROUP BY post_id
) AS s
WHERE p.id = s.post_id AND (p.upvotes <> s.up OR p.downvotes <> s.down OR p.votes_score <> s.up - s.down)
RETURNING p.topic_id
"""
_RECONCILE_UNVOTED = """
UPDATE debates_debatepost AS p
SET votes_score = 0, upvotes = 0, downvotes = 0, wilson_score = 0
WHERE (p.votes_score <> 0 OR p.upvotes <> 0 OR p.downvotes <> 0)
  AND NOT EXISTS (SELECT 1 FROM debates_debatevote AS v WHERE v.post_id = p.id)
RETURNING p.topic_id
"""
# After the counts above: hot scores that drifted (soft deletes, admin or SQL edits).
_RECONCILE_HOT = f"""
UPDATE debates_debatetopic AS t
SET hot_score = {ranking.HOT_SQL.format(posts="t.posts_count", last="t.last_activity_at")}
WHERE abs(t.hot_score - ({ranking.HOT_SQL.format(posts="t.posts_count", last="t.last_activity_at")})) > 1e-6
RETURNING t.id, t.book_id
"""


@transaction.atomic
def topic_counters_reconcile() -> dict[str, int]:
    """Recompute posts_count, last_activity_at, vote counts and both ranking scores, set-based.

    Only rows whose counters drifted are written; returns how many of each were fixed.
    """
    with connection.cursor() as cursor:
        cursor.execute(_RECONCILE_POSTS_COUNT)
        topics = dict(cursor.fetchall())  # id -> book id
        cursor.execute(_RECONCILE_EMPTY_TOPICS)
        topics |= dict(cursor.fetchall())
        cursor.execute(_RECONCILE_SCORES)
        scored = [row[0] for row in cursor.fetchall()]
        cursor.execute(_RECONCILE_UNVOTED)
        scored += [row[0] for row in cursor.fetchall()]
        cursor.execute(_RECONCILE_HOT)
        topics |= dict(cursor.fetchall())
    if topics:
        debates_cache.flush_topic_list(*topics.values())
    for topic_id in set(scored):
        debates_cache.flush_topic(topic_id)
    if topics or scored:
        logger.warning("Reconciled debate counters: %d topics, %d posts", len(topics), len(scored))
    return {"topics": len(topics), "posts": len(scored)}
