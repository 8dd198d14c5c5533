from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from api.models import ApiToken


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api_revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender, instance, created, raw=False, **kwargs):
    """A new password (changed, reset, set by staff) cuts off every app at once.

    `set_password()` keeps the raw password in `_password` until `save()` has run, which is
    how Django itself tells a password change from any other save.
    """
    if not created and not raw and getattr(instance, "_password", None) is not None:
        ApiToken.objects.filter(user=instance).delete()
