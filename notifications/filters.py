"""The notifications list's filter (`/notificacoes/`): `situacao=nao-lidas` keeps the unread
ones; any other value is the whole list, as an unknown order is the default one."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import ListFilter
from notifications.models import Notification

UNREAD = "nao-lidas"


class NotificationFilter(ListFilter):
    situacao = django_filters.CharFilter(label=_("nao-lidas: só as não lidas"), method="_selected")

    class Meta:
        model = Notification
        fields = ["situacao"]

    @property
    def choices(self) -> dict:
        return {"unread_only": self.form.cleaned_data.get("situacao") == UNREAD}
