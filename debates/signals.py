"""Cache invalidation wired to the models, so admin edits and shell writes flush too."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from debates import cache as debates_cache
from debates import selectors
from debates.models import DebatePost, DebateTopic, DebateVote

# Sent by post_soft_delete (a queryset update, which sends no post_save): kwargs `post`.
# Apps above debates (the social feed) listen to it.
post_soft_deleted = Signal()


@receiver(pre_save, sender=DebateTopic, dispatch_uid="debates_topic_book_before")
def note_book_before(sender, instance: DebateTopic, update_fields=None, **kwargs):
    """A topic moved to another book (in the admin) leaves the old book's debates panel too."""
    if instance.pk and (update_fields is None or "book" in update_fields):
        instance._book_before = DebateTopic.objects.filter(pk=instance.pk).values_list("book_id", flat=True).first()


@receiver([post_save, post_delete], sender=DebateTopic, dispatch_uid="debates_flush_topic")
def flush_on_topic_change(sender, instance: DebateTopic, **kwargs):
    debates_cache.flush_topic_list(instance.book_id, getattr(instance, "_book_before", None))
    debates_cache.flush_topic(instance.pk)


@receiver([post_save, post_delete], sender=DebatePost, dispatch_uid="debates_flush_post")
def flush_on_post_change(sender, instance: DebatePost, **kwargs):
    debates_cache.flush_topic_list(selectors.post_book_id(instance))
    debates_cache.flush_topic(instance.topic_id)


@receiver([post_save, post_delete], sender=DebateVote, dispatch_uid="debates_flush_vote")
def flush_on_vote_change(sender, instance: DebateVote, **kwargs):
    # Scores are not on the list, only on the topic page.
    debates_cache.flush_topic(instance.post.topic_id)
