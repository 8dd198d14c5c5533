"""A reader's API tokens: the settings page (`/api/tokens/`) and `/api/v1/me/tokens/`.

Minting needs the password: on the site a recent re-authentication (allauth asks for it and
then replays the form), in the API the `password` field. Revoking needs neither.
"""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api import selectors, services
from api.models import ApiToken
from core.limits import model_limit
from core.ratelimit import check_rate_limit

NAME_MAX = model_limit(ApiToken, "name")


class TokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="Início da chave, para reconhecê-la (a chave inteira nunca é guardada).")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True, help_text="Com precisão de 5 minutos.")


class NewTokenSerializer(TokenSerializer):
    key = serializers.CharField(help_text="A chave, mostrada só nesta resposta.")


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX, required=False, allow_blank=True)
    expires_in_days = serializers.IntegerField(min_value=1, max_value=services.MAX_DAYS, required=False)
    password = serializers.CharField(max_length=4096, write_only=True, trim_whitespace=False)


class TokenListView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = TokenSerializer
    pagination_class = None

    @extend_schema(responses=TokenSerializer(many=True))
    def get(self, request):
        """My API tokens, newest first (never their keys)."""
        return Response(TokenSerializer(selectors.token_list(user=request.user), many=True).data)

    @extend_schema(request=TokenCreateSerializer, responses={201: NewTokenSerializer})
    def post(self, request):
        """Mint a token; needs my password. The key is in this answer only."""
        check_rate_limit(request, name="token_create")
        data = TokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not request.user.check_password(data.validated_data["password"]):
            raise ValidationError({"password": [_("Senha incorreta.")]})
        token = services.token_create(
            user=request.user,
            name=data.validated_data.get("name", ""),
            expires_in_days=data.validated_data.get("expires_in_days"),
        )
        return Response(NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)


class TokenDetailView(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = TokenSerializer

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        """Revoke one of my tokens: apps using it are cut off at once."""
        if not services.token_revoke(user=request.user, token_id=pk):
            raise NotFound(_("Token não encontrado."))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Settings page (HTML) -------------------------------------------------------------------

DAY_CHOICES = [
    (30, gettext_lazy("30 dias")),
    (90, gettext_lazy("90 dias")),
    (180, gettext_lazy("180 dias")),
    (365, gettext_lazy("1 ano")),
]


def _page(request, *, new_token=None, error="", status_code=200):
    context = {
        "tokens": selectors.token_list(user=request.user),
        "new_token": new_token,
        "error": error,
        "day_choices": DAY_CHOICES,
        "name_max": NAME_MAX,
    }
    return render(request, "api/tokens.html", context, status=status_code)


@login_required
def tokens(request):
    """My tokens, with a form to mint one and a button to revoke each."""
    return _page(request)


@require_POST
@login_required
@reauthentication_required
def token_create(request):
    """Mint a token; allauth asks for the password first unless it was typed minutes ago."""
    check_rate_limit(request, name="token_create")
    raw_days = request.POST.get("expires_in_days", "")
    days = int(raw_days) if raw_days.isascii() and raw_days.isdecimal() else 0  # 0: refused with the range
    try:
        token = services.token_create(
            user=request.user, name=request.POST.get("name", "")[:NAME_MAX], expires_in_days=days
        )
    except DjangoValidationError as exc:
        return _page(request, error=" ".join(exc.messages), status_code=422)
    return _page(request, new_token=token, status_code=201)


@require_POST
@login_required
def token_revoke(request, pk: int):
    if services.token_revoke(user=request.user, token_id=pk):
        messages.success(request, _("Token revogado. Apps que o usavam perderam o acesso."))
    return redirect("api:tokens")
