from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.book_shelf import BookShelf
from core.privacy import Visibility


class ShelfVisibility(models.Model):
    """Who sees one of a reader's shelves; a shelf without a row is public.

    Kept apart from the shelf's books so the choice survives an emptied shelf and a
    book's shelf rows stay small. Lists hide a shelf's books with one `NOT EXISTS`.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shelf_visibilities")
    shelf_type = models.CharField(_("estante"), max_length=20)
    custom_name = models.CharField(_("nome da estante"), max_length=BookShelf.CUSTOM_NAME_MAX_LENGTH, blank=True)
    visibility = models.CharField(_("visibilidade"), max_length=10, choices=Visibility.choices)

    class Meta:
        verbose_name = _("visibilidade de estante")
        verbose_name_plural = _("visibilidades de estantes")
        constraints = [
            models.UniqueConstraint(fields=["user", "shelf_type", "custom_name"], name="accounts_shelfvis_unique"),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.shelf_type} {self.custom_name} · {self.visibility}"
