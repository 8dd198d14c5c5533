from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class IsOwner(BasePermission):
    """A reader's own shelf entries and readings: someone else's object is a 403, as on the site."""

    message = _("Este item é de outro leitor.")

    def has_object_permission(self, request, view, obj) -> bool:
        return obj.user_id == request.user.pk
