from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from accounts.cache import flush_book_reviews
from accounts.models import BookReview, Profile

# A reader's shelves or reviews changed through bulk writes, which send no post_save
# (the library import, once per batch): kwargs `user_id`. Recommendations listen.
books_changed = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_create_profile")
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(post_save, sender=BookReview, dispatch_uid="accounts_review_saved")
@receiver(post_delete, sender=BookReview, dispatch_uid="accounts_review_deleted")
def review_changed(sender, instance, **kwargs):
    flush_book_reviews(book_id=instance.book_id)
