"""Writes of the API app: a reader's API tokens (named, expiring, stored as a digest)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import DISPLAY_CHARS, ApiToken, key_digest, new_key

MAX_TOKENS = 20
MAX_DAYS = 365


@transaction.atomic
def token_create(*, user: AbstractBaseUser, name: str = "", expires_in_days: int | None = None) -> ApiToken:
    """A new token; its plain key is on the returned object (`.key`) and nowhere else, ever."""
    name = " ".join((name or "").split()) or _("Meu app")
    days = settings.API_TOKEN_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"expires_in_days": _("A validade vai de 1 a %(max)s dias.") % {"max": MAX_DAYS}})
    # Lock the reader's row so two requests cannot both pass the count.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS:
        raise ValidationError(_("Você já tem %(max)s tokens: revogue um antes de criar outro.") % {"max": MAX_TOKENS})
    key = new_key()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:DISPLAY_CHARS],
        digest=key_digest(key),
        expires_at=timezone.now() + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    token.key = key
    return token


@transaction.atomic
def token_revoke(*, user: AbstractBaseUser, token_id: int) -> bool:
    deleted, _detail = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


@transaction.atomic
def tokens_revoke_all(*, user: AbstractBaseUser) -> int:
    deleted, _detail = ApiToken.objects.filter(user=user).delete()
    return deleted
