"""Writes of the debates app. Counters move with F() in the same transaction as the row.

Cache invalidation is wired to model signals (`debates.signals`); writes that bypass
signals (queryset `update()` of counters) bump the namespaces they touch here.
"""

import logging
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from catalog.models import Book
from debates import cache as debates_cache
from debates.models import DebatePost, DebateTopic, DebateVote

logger = logging.getLogger(__name__)

TITLE_MIN_LENGTH = 5
TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
CONTENT_MAX_LENGTH = 10000
# First path segments of literal routes under /debates/ that a topic slug must not take.
RESERVED_SLUGS = {"novo", "mensagens"}


def can_moderate(user) -> bool:
    """Moderators are staff accounts: deciding it costs no query on every topic page."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


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

    topic = DebateTopic(
        book=book,
        creator=creator,
        title=title,
        description=description,
        slug=_unique_slug(title),
        last_activity_at=timezone.now(),
    )
    topic.full_clean(exclude=["slug"])
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError:  # a concurrent topic took the same slug between check and insert
        topic.slug = f"{slugify(title)[:200].strip('-') or 'debate'}-{secrets.token_hex(3)}"
        topic.save()
    if first_post:
        post_create(topic=topic, author=creator, content=first_post)
        topic.refresh_from_db(fields=["posts_count", "last_activity_at"])
    return topic


def _moderate(*, topic: DebateTopic, actor, **fields) -> DebateTopic:
    if not can_moderate(actor):
        raise PermissionDenied(_("Apenas moderadores podem fazer isso."))
    for name, value in fields.items():
        setattr(topic, name, value)
    topic.save(update_fields=[*fields, "updated_at"])
    return topic


@transaction.atomic
def topic_set_pinned(*, topic: DebateTopic, actor, pinned: bool) -> DebateTopic:
    return _moderate(topic=topic, actor=actor, is_pinned=pinned)


@transaction.atomic
def topic_set_locked(*, topic: DebateTopic, actor, locked: bool) -> DebateTopic:
    return _moderate(topic=topic, actor=actor, is_locked=locked)


# --- Posts -------------------------------------------------------------------------------


@transaction.atomic
def post_create(*, topic: DebateTopic, author, content: str, parent: DebatePost | None = None) -> DebatePost:
    content = _clean_content(content)
    if parent is not None:
        if parent.topic_id != topic.pk:
            raise ValidationError({"parent": _("A mensagem respondida não pertence a este debate.")})
        if parent.is_deleted:
            raise ValidationError({"parent": _("Não é possível responder a uma mensagem excluída.")})
    now = timezone.now()
    # The lock check and the counter move are one UPDATE: a topic locked a moment ago
    # matches no row, and the whole write rolls back.
    moved = DebateTopic.objects.filter(pk=topic.pk, is_locked=False).update(
        posts_count=F("posts_count") + 1, last_activity_at=now
    )
    if not moved:
        raise _locked_error()
    post = DebatePost(topic=topic, author=author, parent=parent, content=content)
    post.full_clean(exclude=["topic", "author", "parent", "root"])
    post.save()
    return post


@transaction.atomic
def post_update(*, post: DebatePost, editor, content: str) -> DebatePost:
    is_moderator = can_moderate(editor)
    if post.author_id != editor.pk and not is_moderator:
        raise PermissionDenied(_("Você só pode editar as suas próprias mensagens."))
    if post.is_deleted:
        raise ValidationError(_("Não é possível editar uma mensagem excluída."))
    if post.topic.is_locked and not is_moderator:
        raise ValidationError(_("Este debate está trancado; as mensagens não podem mais ser editadas."), code="locked")
    post.content = _clean_content(content)
    post.edited_at = timezone.now()
    post.full_clean(exclude=["topic", "author", "parent", "root"])
    post.save(update_fields=["content", "edited_at"])
    return post


@transaction.atomic
def post_soft_delete(*, post: DebatePost, actor) -> DebatePost:
    """Hide a post's content but keep it in the thread (its replies stay in place)."""
    if post.author_id != actor.pk and not can_moderate(actor):
        raise PermissionDenied(_("Você só pode excluir as suas próprias mensagens."))
    # Only the request that flips the flag moves the counter (a double submit is a no-op).
    flipped = DebatePost.objects.filter(pk=post.pk, is_deleted=False).update(is_deleted=True, deleted_at=timezone.now())
    if flipped:
        DebateTopic.objects.filter(pk=post.topic_id, posts_count__gt=0).update(posts_count=F("posts_count") - 1)
        # Queryset updates send no signals: invalidate like a save would.
        debates_cache.flush_topic_list()
        debates_cache.flush_topic(post.topic_id)
    post.refresh_from_db(fields=["is_deleted", "deleted_at"])
    return post


# --- Votes -------------------------------------------------------------------------------


@transaction.atomic
def vote_toggle(*, post: DebatePost, user, value: int) -> int | None:
    """Vote +1/-1 on a post: the same value again removes the vote, the other flips it.

    Returns the user's vote after the change (None when removed) and refreshes
    `post.votes_score`. Nobody votes on their own post.
    """
    if value not in (DebateVote.Value.UP, DebateVote.Value.DOWN):
        raise ValidationError(_("Voto inválido."))
    if post.is_deleted:
        raise ValidationError(_("Não é possível votar em uma mensagem excluída."))
    if post.author_id == user.pk:
        raise ValidationError(_("Você não pode votar na sua própria mensagem."))

    existing = DebateVote.objects.select_for_update().filter(user=user, post=post).first()
    if existing is None:
        try:
            with transaction.atomic():
                # Value checked above; the unique and check constraints guard the rest.
                DebateVote.objects.create(user=user, post=post, value=value)
        except IntegrityError:  # the same vote, sent twice at once, won the race
            raise ValidationError(_("Seu voto já foi registrado. Atualize a página e tente de novo.")) from None
        delta, current = value, value
    elif existing.value == value:
        existing.post = post
        existing.delete()
        delta, current = -value, None
    else:
        existing.post = post
        existing.value = value
        existing.save(update_fields=["value"])
        delta, current = 2 * value, value

    moved = DebatePost.objects.filter(pk=post.pk, is_deleted=False).update(votes_score=F("votes_score") + delta)
    if not moved:  # deleted while we voted
        raise ValidationError(_("Não é possível votar em uma mensagem excluída."))
    post.refresh_from_db(fields=["votes_score"])
    return current


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
RETURNING t.id
"""
_RECONCILE_EMPTY_TOPICS = """
UPDATE debates_debatetopic AS t
SET posts_count = 0, last_activity_at = t.created_at
WHERE (t.posts_count <> 0 OR t.last_activity_at <> t.created_at)
  AND NOT EXISTS (SELECT 1 FROM debates_debatepost AS p WHERE p.topic_id = t.id)
RETURNING t.id
"""
_RECONCILE_SCORES = """
UPDATE debates_debatepost AS p
SET votes_score = s.score
FROM (SELECT post_id, SUM(value) AS score FROM debates_debatevote GROUP BY post_id) AS s
WHERE p.id = s.post_id AND p.votes_score <> s.score
RETURNING p.topic_id
"""
_RECONCILE_UNVOTED = """
UPDATE debates_debatepost AS p
SET votes_score = 0
WHERE p.votes_score <> 0
  AND NOT EXISTS (SELECT 1 FROM debates_debatevote AS v WHERE v.post_id = p.id)
RETURNING p.topic_id
"""


@transaction.atomic
def topic_counters_reconcile() -> dict[str, int]:
    """Recompute posts_count, last_activity_at and votes_score from the rows, set-based.

    Only rows whose counters drifted are written; returns how many of each were fixed.
    """
    with connection.cursor() as cursor:
        cursor.execute(_RECONCILE_POSTS_COUNT)
        topic_ids = {row[0] for row in cursor.fetchall()}
        cursor.execute(_RECONCILE_EMPTY_TOPICS)
        topic_ids |= {row[0] for row in cursor.fetchall()}
        cursor.execute(_RECONCILE_SCORES)
        scored = [row[0] for row in cursor.fetchall()]
        cursor.execute(_RECONCILE_UNVOTED)
        scored += [row[0] for row in cursor.fetchall()]
    if topic_ids:
        debates_cache.flush_topic_list()
    for topic_id in set(scored):
        debates_cache.flush_topic(topic_id)
    if topic_ids or scored:
        logger.warning("Reconciled debate counters: %d topics, %d posts", len(topic_ids), len(scored))
    return {"topics": len(topic_ids), "posts": len(scored)}
