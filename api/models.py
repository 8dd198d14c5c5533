"""A reader's API tokens: named, expiring, stored only as a SHA-256 digest."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "cgb_"
DISPLAY_CHARS = 12  # "cgb_" and 8 random characters: enough to tell tokens apart, useless to an attacker


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    # A 256-bit random key needs no slow hash: SHA-256 cannot be walked back to it.
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nome"), max_length=60)
    prefix = models.CharField(_("início da chave"), max_length=DISPLAY_CHARS)
    digest = models.CharField(max_length=64, unique=True)  # the only way to find a token by its key
    created_at = models.DateTimeField(_("criado em"), default=timezone.now)
    expires_at = models.DateTimeField(_("expira em"))
    last_used_at = models.DateTimeField(_("último uso"), null=True, blank=True)

    class Meta:
        verbose_name = _("token da API")
        verbose_name_plural = _("tokens da API")
        indexes = [
            # The reader's token list (settings page, GET /api/v1/me/tokens/).
            models.Index(fields=["user", "-created_at"], name="api_token_user_created_idx"),
        ]

    def __str__(self):
        return f"{self.user} · {self.name} · {self.prefix}…"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
