from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import BookReview, BookShelf
from core.tasks import enqueue_on_commit
from recommendations import cache as recs_cache
from recommendations.tasks import refresh_user_recommendations


@receiver(post_save, sender=BookShelf, dispatch_uid="recommendations_shelf_saved")
@receiver(post_delete, sender=BookShelf, dispatch_uid="recommendations_shelf_deleted")
@receiver(post_save, sender=BookReview, dispatch_uid="recommendations_review_saved")
@receiver(post_delete, sender=BookReview, dispatch_uid="recommendations_review_deleted")
def reader_books_changed(sender, instance, raw=False, **kwargs):
    """The reader's books changed: drop their cached list now, recompute it in the background."""
    if raw:
        return
    recs_cache.flush_user(user_id=instance.user_id)
    enqueue_on_commit(refresh_user_recommendations, instance.user_id)
