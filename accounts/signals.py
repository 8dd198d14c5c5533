import logging

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.account.signals import email_added
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from accounts.adapter import login_name
from accounts.backends import forget_user
from accounts.cache import flush_book_reviews, purge_profile_page
from accounts.models import BookReview, Profile, ShelfVisibility
from core.personal import reader_wrote
from core.ratelimit import client_ip

auth_log = logging.getLogger("accounts.auth")

# A reader's shelves or reviews changed through bulk writes, which send no post_save
# (the library import, once per batch): kwargs `user_id`. Recommendations listen.
books_changed = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_forget_cached_user_saved")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_forget_cached_user_deleted")
def user_changed(sender, instance, update_fields=None, **kwargs):
    forget_user(instance.pk)
    if update_fields != frozenset({"last_login"}):  # a login shows nowhere
        reader_wrote(instance.pk)  # their stored profile (a rename, a deactivation by an admin)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_create_profile")
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(post_save, sender=BookReview, dispatch_uid="accounts_review_saved")
@receiver(post_delete, sender=BookReview, dispatch_uid="accounts_review_deleted")
def review_changed(sender, instance, **kwargs):
    flush_book_reviews(book_id=instance.book_id)
    purge_profile_page(user_id=instance.user_id)  # whoever saved it (a moderator hiding it)


@receiver(books_changed, dispatch_uid="accounts_books_changed_personal")
def books_changed_personal(sender, user_id, **kwargs):
    """A bulk write for the reader (an import): their cached dashboard panels are stale."""
    reader_wrote(user_id)


# What anonymous readers see of a profile (cached whole for PAGE_CACHE_SECONDS) changes with
# a shelf's or a review's visibility and the profile itself: a private item leaves at once.
@receiver(post_save, sender=ShelfVisibility, dispatch_uid="accounts_shelf_visibility_saved")
@receiver(post_delete, sender=ShelfVisibility, dispatch_uid="accounts_shelf_visibility_deleted")
@receiver(post_save, sender=Profile, dispatch_uid="accounts_profile_saved")
def profile_visible_part_changed(sender, instance, **kwargs):
    purge_profile_page(user_id=instance.user_id)


# Logins through the site, the admin and the API's password checks alike (Django's signals).
@receiver(user_logged_in, dispatch_uid="accounts_log_login")
def log_login(sender, request, user, **kwargs):
    ip = client_ip(request) if request is not None else "-"
    auth_log.info("login: %s from %s", user.get_username(), ip, extra={"event": "login", "user_id": user.pk, "ip": ip})


@receiver(user_login_failed, dispatch_uid="accounts_log_login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    ip = client_ip(request) if request is not None else "-"
    login = login_name(credentials)
    auth_log.warning("failed login: %s from %s", login, ip, extra={"event": "login_failed", "login": login, "ip": ip})


@receiver(email_added, dispatch_uid="accounts_notify_email_added")
def notify_email_added(sender, request, user, email_address, **kwargs):
    """The account's current address hears of a new one (allauth itself only notices changes
    of the primary address, which it sends to the old one)."""
    current = EmailAddress.objects.get_primary_email(user)
    if current and current.lower() != email_address.email.lower():
        get_adapter(request).send_notification_mail(
            "account/email/email_added", user, {"added_email": email_address.email}, email=current
        )
