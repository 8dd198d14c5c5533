"""Who moderates, and whether a reader may write: shared by every app that takes writes.

`moderation` (above `accounts` and `debates`) decides who is suspended; the apps below it
ask here, never import it: `moderation` registers its check in `AppConfig.ready()`, and
`debates` calls `check_may_write` before a post, a topic or a vote.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

WriteCheck = Callable[[object], None]

_write_checks: dict[str, WriteCheck] = {}


def can_moderate(user) -> bool:
    """Moderators are staff accounts: deciding it costs no query on every page."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def moderator_only(user) -> None:
    """Refuse (403) anyone but a moderator: the moderation services and pages ask it first."""
    if not can_moderate(user):
        raise PermissionDenied(gettext("Apenas moderadores podem fazer isso."))


def register_write_check(name: str, check: WriteCheck) -> None:
    """`check(user)` raises PermissionDenied (its message shown to the reader) to refuse a write."""
    _write_checks[name] = check


def check_may_write(user) -> None:
    """Refuse (PermissionDenied) a write of a reader that a registered check forbids."""
    for check in _write_checks.values():
        check(user)


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
