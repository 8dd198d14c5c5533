"""Receivers: reacting to debates (a lower app) without it knowing about notifications.

They only record follows and enqueue tasks after commit; the fan-out itself runs in Celery.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from core.jobs import enqueue_on_commit
from debates.models import DebatePost, DebateTopic, DebateVote
from library.signals import import_finished
from notifications import cache as notifications_cache
from notifications import services, tasks
from notifications.models import Notification


@receiver(post_save, sender=DebateTopic, dispatch_uid="notifications_follow_new_topic")
def follow_created_topic(sender, instance: DebateTopic, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        services.topic_follow(user_id=instance.creator_id, topic_id=instance.pk)


@receiver(post_save, sender=DebatePost, dispatch_uid="notifications_new_post")
def notify_new_post(sender, instance: DebatePost, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        services.topic_follow(user_id=instance.author_id, topic_id=instance.topic_id)
        enqueue_on_commit(tasks.notifications_post_fanout, instance.pk)


@receiver(post_save, sender=DebateVote, dispatch_uid="notifications_vote_saved")
def check_milestone_on_vote(sender, instance: DebateVote, raw: bool = False, **kwargs):
    # Only an up vote (new or flipped) can raise a score to a new mark.
    if not raw and instance.value == DebateVote.Value.UP:
        enqueue_on_commit(tasks.notifications_vote_milestone, instance.post_id)


@receiver(post_delete, sender=DebateVote, dispatch_uid="notifications_vote_deleted")
def check_milestone_on_unvote(sender, instance: DebateVote, **kwargs):
    # Taking back a down vote raises the score too.
    if instance.value == DebateVote.Value.DOWN:
        enqueue_on_commit(tasks.notifications_vote_milestone, instance.post_id)


@receiver([post_save, post_delete], sender=Notification, dispatch_uid="notifications_flush_unread")
def flush_unread_on_change(sender, instance: Notification, **kwargs):
    notifications_cache.flush_unread(instance.recipient_id)


@receiver(import_finished, dispatch_uid="notifications_import_finished")
def notify_import_finished(sender, job, **kwargs):
    services.notification_create(
        recipient_id=job.user_id,
        kind=Notification.Kind.IMPORT_FINISHED,
        message=_("Importação concluída: %(matched)d livros importados, %(unmatched)d para revisar.")
        % {"matched": job.matched, "unmatched": job.unmatched},
        dedupe_key=f"import:{job.pk}",
    )
