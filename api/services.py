"""Writes of the API app: a reader's access token (one per reader, as DRF's authtoken keeps it)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def token_create(*, user: AbstractBaseUser) -> Token:
    """A new token for the reader; the old one, if any, stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user: AbstractBaseUser) -> bool:
    deleted, _detail = Token.objects.filter(user=user).delete()
    return bool(deleted)
