"""Receivers that record activities as the lower apps write, and keep them as private as
their items. They run inside the writer's transaction; feeds change after commit.

Bulk writes (the library import, the demo seeder) send no signals and record no activity:
a reader importing 2,000 books must not flood their followers' feeds.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import BookReview, BookShelf, ReadingProgress, ShelfVisibility
from catalog.models import Book
from core.privacy import Visibility
from debates.models import DebatePost, DebateTopic
from debates.signals import post_soft_deleted
from library.models import ReadingGoal
from social import cache as social_cache
from social import services
from social.models import Activity


@receiver(post_save, sender=BookShelf, dispatch_uid="social_shelf_move")
def shelf_moved(sender, instance: BookShelf, raw: bool = False, **kwargs):
    if not raw:
        services.activity_record_shelf_move(entry=instance)


@receiver(post_save, sender=ReadingProgress, dispatch_uid="social_progress")
def progress_saved(sender, instance: ReadingProgress, raw: bool = False, **kwargs):
    if not raw:
        services.activity_record_progress(progress=instance)


@receiver(post_save, sender=BookReview, dispatch_uid="social_review")
def review_saved(sender, instance: BookReview, raw: bool = False, **kwargs):
    if not raw:
        services.activity_sync_review(review=instance)


@receiver(post_save, sender=DebateTopic, dispatch_uid="social_topic")
def topic_saved(sender, instance: DebateTopic, created: bool, raw: bool = False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        services.activity_record_topic(topic=instance)
    elif _renamed(update_fields):
        social_cache.flush_all_lines()


@receiver(post_save, sender=Book, dispatch_uid="social_book")
def book_saved(sender, instance: Book, created: bool, raw: bool = False, update_fields=None, **kwargs):
    if not (raw or created) and _renamed(update_fields):
        social_cache.flush_all_lines()


def _renamed(update_fields) -> bool:
    """Might this save have changed a title or slug shown in activity lines?"""
    return update_fields is None or bool({"title", "slug"} & set(update_fields))


@receiver(post_save, sender=DebatePost, dispatch_uid="social_post")
def post_saved(sender, instance: DebatePost, created: bool, raw: bool = False, **kwargs):
    if raw:
        return
    if created:
        services.activity_record_post(post=instance)
    else:  # edited, hidden or restored by a moderator
        services.activity_sync_post(post_id=instance.pk, is_hidden=instance.is_hidden, is_deleted=instance.is_deleted)


@receiver(post_soft_deleted, dispatch_uid="social_post_deleted")
def post_deleted(sender, post: DebatePost, **kwargs):
    services.activity_sync_post(post_id=post.pk, is_hidden=post.is_hidden, is_deleted=True)


@receiver(post_save, sender=ShelfVisibility, dispatch_uid="social_shelf_visibility")
def shelf_visibility_saved(sender, instance: ShelfVisibility, raw: bool = False, **kwargs):
    if not raw and not instance.custom_name:
        services.activities_sync_shelf(
            user_id=instance.user_id, shelf_type=instance.shelf_type, visibility=instance.visibility
        )


@receiver(post_delete, sender=ShelfVisibility, dispatch_uid="social_shelf_visibility_deleted")
def shelf_visibility_deleted(sender, instance: ShelfVisibility, **kwargs):
    if not instance.custom_name:  # no row: the shelf is public again
        services.activities_sync_shelf(
            user_id=instance.user_id, shelf_type=instance.shelf_type, visibility=Visibility.PUBLIC
        )


@receiver(post_save, sender=ReadingGoal, dispatch_uid="social_goal")
def goal_saved(sender, instance: ReadingGoal, raw: bool = False, **kwargs):
    if not raw:
        services.activity_sync_goal(goal=instance)


@receiver(post_delete, sender=Activity, dispatch_uid="social_activity_deleted")
def activity_deleted(sender, instance: Activity, **kwargs):
    services.activity_deleted(activity_id=instance.pk, actor_id=instance.actor_id, visibility=instance.visibility)
