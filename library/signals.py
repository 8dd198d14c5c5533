"""The signal this app sends, and the receivers that keep its caches fresh."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from accounts.models import BookReview, BookShelf, ReadingProgress, ShelfVisibility
from library.cache import flush_reader_stats
from library.models import ReadingGoal

# Sent (after commit) when an import job has run to the end: kwargs `job` (an ImportJob).
# Apps above library (notifications) listen to it; library imports none of them.
import_finished = Signal()


@receiver(post_save, sender=BookShelf, dispatch_uid="library_shelf_saved")
@receiver(post_delete, sender=BookShelf, dispatch_uid="library_shelf_deleted")
@receiver(post_save, sender=ReadingProgress, dispatch_uid="library_progress_saved")
@receiver(post_delete, sender=ReadingProgress, dispatch_uid="library_progress_deleted")
@receiver(post_save, sender=BookReview, dispatch_uid="library_review_saved")
@receiver(post_delete, sender=BookReview, dispatch_uid="library_review_deleted")
@receiver(post_save, sender=ShelfVisibility, dispatch_uid="library_shelf_visibility_saved")
@receiver(post_save, sender=ReadingGoal, dispatch_uid="library_goal_saved")
@receiver(post_delete, sender=ReadingGoal, dispatch_uid="library_goal_deleted")
def reader_data_changed(sender, instance, **kwargs):
    flush_reader_stats(user_id=instance.user_id)
