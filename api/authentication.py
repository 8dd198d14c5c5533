"""`Authorization: Token <key>` against the hashed, expiring tokens of `api.models.ApiToken`."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from api.models import ApiToken, key_digest

# Last-use times are written at most this often per token: not one UPDATE per API call.
LAST_USED_PRECISION = timedelta(minutes=5)


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key: str):
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=key_digest(key), expires_at__gt=timezone.now())
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Token inválido ou expirado."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Conta desativada."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
