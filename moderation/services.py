"""Writes of moderation: reports, hide/restore of posts and reviews, pin/lock, suspensions.

Every action is for moderators only (`_moderator_only`) and appends one `ModerationAction`
row (`_log`). Hiding or restoring saves the post or review, so debates' and accounts' own
cache receivers flush what showed it; the anonymous page caches are purged here.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import BookReview
from catalog.cache import purge_book_pages
from core.microcache import purge_pages_on_commit
from core.moderation import can_moderate
from core.moderation import moderator_only as _moderator_only
from debates.models import DebatePost, DebateTopic
from moderation.models import DebateSuspension, ModerationAction, PostReport, ReviewReport

REASON_MAX_LENGTH = 300
REPORT_TEXT_MAX_LENGTH = 1000


_TARGETS = {
    DebatePost: ModerationAction.Target.POST,
    BookReview: ModerationAction.Target.REVIEW,
    DebateTopic: ModerationAction.Target.TOPIC,
}


def _log(*, actor, kind: str, target, reason: str = "") -> ModerationAction:
    """One row of the append-only audit trail."""
    target_type = _TARGETS.get(type(target), ModerationAction.Target.USER)
    return ModerationAction.objects.create(
        actor=actor, kind=kind, target_type=target_type, target_id=target.pk, reason=reason
    )


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Informe o motivo.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("O motivo pode ter no máximo %(max)d caracteres.") % {"max": REASON_MAX_LENGTH}}
        )
    return reason


# --- Suspensions ---------------------------------------------------------------------------


def active_suspension(user) -> DebateSuspension | None:
    now = timezone.now()
    return DebateSuspension.objects.filter(Q(until__isnull=True) | Q(until__gt=now), user=user).first()


def check_not_suspended(user) -> None:
    """Suspended readers keep reading; writing is refused with the reason (403).

    Registered with `core.moderation` (apps.py): debates asks it before a post, a topic or a vote.
    """
    suspension = active_suspension(user)
    if suspension is None:
        return
    if suspension.until:
        until = timezone.localtime(suspension.until).strftime("%d/%m/%Y %H:%M")
        message = _("Você está suspenso dos debates até %(until)s: %(reason)s") % {
            "until": until,
            "reason": suspension.reason,
        }
    else:
        message = _("Você está suspenso dos debates: %(reason)s") % {"reason": suspension.reason}
    raise PermissionDenied(message)


@transaction.atomic
def user_suspend(*, user, actor, reason: str, days: int | None = None) -> DebateSuspension:
    """Suspend a reader from posting, opening topics and voting (`days` None: until lifted)."""
    _moderator_only(actor)
    if user.pk == actor.pk or can_moderate(user):
        raise ValidationError(_("Moderadores não podem ser suspensos por aqui."))
    if days is not None and not 1 <= days <= 3650:
        raise ValidationError({"days": _("Escolha de 1 a 3650 dias.")})
    until = timezone.now() + timedelta(days=days) if days else None
    reason = _clean_reason(reason)
    suspension, _created = DebateSuspension.objects.update_or_create(
        user=user, defaults={"until": until, "reason": reason, "suspended_by": actor}
    )
    _log(actor=actor, kind=ModerationAction.Kind.SUSPEND, target=user, reason=reason)
    return suspension


@transaction.atomic
def user_unsuspend(*, user, actor) -> None:
    _moderator_only(actor)
    if DebateSuspension.objects.filter(user=user).delete()[0]:
        _log(actor=actor, kind=ModerationAction.Kind.UNSUSPEND, target=user)


# --- Topics --------------------------------------------------------------------------------


def _set_topic_flag(*, topic: DebateTopic, actor, kind: str, **fields) -> DebateTopic:
    _moderator_only(actor)
    for name, value in fields.items():
        setattr(topic, name, value)
    topic.save(update_fields=[*fields, "updated_at"])  # debates.signals flushes the list and the topic
    _log(actor=actor, kind=kind, target=topic)
    return topic


@transaction.atomic
def topic_set_pinned(*, topic: DebateTopic, actor, pinned: bool) -> DebateTopic:
    kind = ModerationAction.Kind.PIN if pinned else ModerationAction.Kind.UNPIN
    return _set_topic_flag(topic=topic, actor=actor, kind=kind, is_pinned=pinned)


@transaction.atomic
def topic_set_locked(*, topic: DebateTopic, actor, locked: bool) -> DebateTopic:
    kind = ModerationAction.Kind.LOCK if locked else ModerationAction.Kind.UNLOCK
    return _set_topic_flag(topic=topic, actor=actor, kind=kind, is_locked=locked)


# --- Reports -------------------------------------------------------------------------------


def _clean_report(*, reason: str, text: str) -> str:
    if reason not in PostReport.Reason.values:
        raise ValidationError({"reason": _("Escolha um motivo da lista.")})
    text = (text or "").strip()
    if len(text) > REPORT_TEXT_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Os detalhes podem ter no máximo %(max)d caracteres.") % {"max": REPORT_TEXT_MAX_LENGTH}}
        )
    return text


def _save_report(report, *, duplicate_message: str):
    report.full_clean(exclude=["post", "review", "reporter"], validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the partial unique constraint: already an open report
        raise ValidationError(duplicate_message, code="duplicate") from None
    return report


@transaction.atomic
def report_create(*, post: DebatePost, reporter, reason: str, text: str = "") -> PostReport:
    """A reader reports a post; one open report per reader and post."""
    text = _clean_report(reason=reason, text=text)
    if post.is_deleted:
        raise ValidationError(_("Esta mensagem foi excluída."))
    if post.author_id == reporter.pk:
        raise ValidationError(_("Você não pode denunciar a sua própria mensagem."))
    report = PostReport(post=post, reporter=reporter, reason=reason, text=text)
    return _save_report(report, duplicate_message=_("Você já denunciou esta mensagem; a moderação vai analisá-la."))


@transaction.atomic
def review_report_create(*, review: BookReview, reporter, reason: str, text: str = "") -> ReviewReport:
    """A reader reports a review they can see; one open report per reader and review."""
    text = _clean_report(reason=reason, text=text)
    if review.user_id == reporter.pk:
        raise ValidationError(_("Você não pode denunciar a sua própria resenha."))
    report = ReviewReport(review=review, reporter=reporter, reason=reason, text=text)
    return _save_report(report, duplicate_message=_("Você já denunciou esta resenha; a moderação vai analisá-la."))


def _close_reports(reports, *, actor, status: str) -> int:
    return reports.filter(status=PostReport.Status.OPEN).update(
        status=status, resolved_by=actor, resolved_at=timezone.now()
    )


@transaction.atomic
def report_dismiss(*, report: PostReport | ReviewReport, actor) -> PostReport | ReviewReport:
    """Close every open report of the reported post or review without acting on it."""
    _moderator_only(actor)
    _close_reports(report.subject.reports, actor=actor, status=PostReport.Status.DISMISSED)
    _log(actor=actor, kind=ModerationAction.Kind.DISMISS, target=report.subject)
    report.refresh_from_db(fields=["status", "resolved_by", "resolved_at"])
    return report


# --- Hide and restore ----------------------------------------------------------------------


def _set_hidden(item, *, actor, reason: str | None):
    """Hide a post or review behind a reason shown in its place (resolving its open
    reports), or restore it (`reason` None: the last reason and who hid it are kept)."""
    _moderator_only(actor)
    item.is_hidden = reason is not None
    if reason is not None:
        item.hidden_reason, item.hidden_by = _clean_reason(reason), actor
    # A save, not an update: debates.signals (posts) and accounts' receivers (reviews) flush
    # the cached thread, lists and summaries exactly as for any other edit.
    item.save(update_fields=["is_hidden", "hidden_reason", "hidden_by"])
    kind = ModerationAction.Kind.RESTORE if reason is None else ModerationAction.Kind.HIDE
    _log(actor=actor, kind=kind, target=item, reason=reason or "")
    if reason is not None:
        _close_reports(item.reports, actor=actor, status=PostReport.Status.RESOLVED)
    # Anonymous readers must not keep seeing the text for the page cache's seconds.
    if isinstance(item, BookReview):
        purge_book_pages(item.book.slug)
    else:
        purge_pages_on_commit(item.topic.get_absolute_url())
    return item


@transaction.atomic
def post_hide(*, post: DebatePost, actor, reason: str) -> DebatePost:
    return _set_hidden(post, actor=actor, reason=reason)


@transaction.atomic
def post_restore(*, post: DebatePost, actor) -> DebatePost:
    return _set_hidden(post, actor=actor, reason=None)


@transaction.atomic
def review_hide(*, review: BookReview, actor, reason: str) -> BookReview:
    """Hide a review's title and text behind a reason (its rating still counts)."""
    return _set_hidden(review, actor=actor, reason=reason)


@transaction.atomic
def review_restore(*, review: BookReview, actor) -> BookReview:
    return _set_hidden(review, actor=actor, reason=None)
