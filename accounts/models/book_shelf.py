from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.i18n import choice_label


class BookShelf(models.Model):
    """One book on one of a reader's shelves.

    The reading-status shelves (Quero ler, Lendo, Lidos, Abandonados) are exclusive: a book
    sits on at most one of them per reader. Favoritos and custom shelves come on top.
    """

    class ShelfType(models.TextChoices):
        WANT_TO_READ = "want_to_read", _("Quero ler")
        READING = "reading", _("Lendo")
        READ = "read", _("Lidos")
        FAVORITES = "favorites", _("Favoritos")
        ABANDONED = "abandoned", _("Abandonados")
        CUSTOM = "custom", _("Personalizada")

    STATUS_SHELVES = (ShelfType.WANT_TO_READ, ShelfType.READING, ShelfType.READ, ShelfType.ABANDONED)
    # The one limit of a custom shelf's name: forms, serializers, the import and the page use it.
    CUSTOM_NAME_MAX_LENGTH = 60

    # No index of its own: accounts_shelf_user_type_idx and the unique constraint start with user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shelf_entries", db_index=False
    )
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="shelf_entries")
    shelf_type = models.CharField(_("estante"), max_length=20, choices=ShelfType.choices)
    custom_name = models.CharField(_("nome da estante"), max_length=CUSTOM_NAME_MAX_LENGTH, blank=True)
    added_at = models.DateTimeField(_("adicionado em"), auto_now_add=True)
    started_at = models.DateField(_("início da leitura"), null=True, blank=True)
    finished_at = models.DateField(_("fim da leitura"), null=True, blank=True)

    class Meta:
        verbose_name = _("livro na estante")
        verbose_name_plural = _("livros nas estantes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "book", "shelf_type", "custom_name"], name="accounts_shelf_unique_entry"
            ),
            models.UniqueConstraint(
                fields=["user", "book"],
                condition=Q(shelf_type__in=["want_to_read", "reading", "read", "abandoned"]),
                name="accounts_shelf_one_status_per_book",
            ),
            models.CheckConstraint(
                condition=Q(shelf_type="custom", custom_name__gt="") | (~Q(shelf_type="custom") & Q(custom_name="")),
                name="accounts_shelf_custom_has_name",
            ),
        ]
        indexes = [
            # A reader's shelf page, newest first (profile, "my shelves").
            models.Index(fields=["user", "shelf_type", "-added_at"], name="accounts_shelf_user_type_idx"),
            # Reading stats: books finished per month.
            models.Index(fields=["user", "finished_at"], name="accounts_shelf_finished_idx"),
        ]

    def __str__(self):
        return f"{self.user} · {self.shelf_label} · {self.book}"

    @property
    def shelf_label(self) -> str:
        if self.shelf_type == self.ShelfType.CUSTOM:
            return self.custom_name
        return choice_label(self.ShelfType, self.shelf_type)
