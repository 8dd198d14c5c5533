from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import BookReview, BookShelf
from accounts.signals import books_changed
from recommendations import cache as recs_cache
from recommendations.tasks import queue_refresh


@receiver(post_save, sender=BookShelf, dispatch_uid="recommendations_shelf_saved")
@receiver(post_delete, sender=BookShelf, dispatch_uid="recommendations_shelf_deleted")
@receiver(post_save, sender=BookReview, dispatch_uid="recommendations_review_saved")
@receiver(post_delete, sender=BookReview, dispatch_uid="recommendations_review_deleted")
def reader_books_changed(sender, instance, raw=False, **kwargs):
    """The reader's books changed: drop their cached list now, recompute it in the background."""
    if not raw:
        reader_changed(user_id=instance.user_id)


@receiver(books_changed, dispatch_uid="recommendations_books_changed")
def reader_changed(sender=None, *, user_id: int, **kwargs):
    recs_cache.flush_user(user_id=user_id)
    # After the write committed, so the refresh reads it.
    transaction.on_commit(lambda: queue_refresh(user_id=user_id))
