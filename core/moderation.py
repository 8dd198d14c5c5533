"""Who moderates: shared by the debates queue and the review pages of accounts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def can_moderate(user) -> bool:
    """Moderators are staff accounts: deciding it costs no query on every page."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def hidden_by_field() -> models.ForeignKey:
    """The moderator who last hid an item (posts, reviews); kept after a restore."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("ocultada por"),
    )
