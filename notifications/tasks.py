"""Celery tasks of the notifications app: thin, taking ids, idempotent (dedupe keys)."""

from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.jobs import task
from notifications import services
from notifications.models import Notification


@task(soft_time_limit=5 * 60, time_limit=6 * 60)
def notifications_post_fanout(post_id: int) -> int:
    """Notify the parent's author, the mentioned readers and the topic's followers of a post."""
    return services.post_notify(post_id=post_id)


@task(soft_time_limit=30, time_limit=60)
def notifications_vote_milestone(post_id: int) -> int | None:
    """Notify a post's author when its score reaches a mark (once per mark)."""
    return services.vote_milestone_notify(post_id=post_id)


@task(soft_time_limit=10 * 60, time_limit=11 * 60)
def notifications_deadline_reminders() -> int:
    """Remind readers of reading deadlines that are near or past (hourly; once per 24 h each)."""
    return services.deadline_reminders_send()


@task(soft_time_limit=10 * 60, time_limit=11 * 60)
def notifications_prune() -> int:
    """Delete read notifications older than NOTIFICATIONS_PRUNE_DAYS."""
    return services.notifications_prune()


@task(soft_time_limit=60, time_limit=90)
def notifications_email_send(notification_ids: list[int]) -> int:
    """Email notifications to readers who have an address (only with NOTIFICATIONS_EMAIL on)."""
    if not services.email_enabled():
        return 0
    rows = Notification.objects.filter(pk__in=notification_ids).select_related("recipient", "actor", "topic", "book")
    messages = [
        (
            _("Nova notificação no CGBookStore"),
            render_to_string("notifications/email.txt", {"n": row}),
            None,
            [row.recipient.email],
        )
        for row in rows
        if row.recipient.email
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
