import math
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A deadline this close (in days) with pages still behind the needed pace is "próximo".
DEADLINE_NEAR_DAYS = 3


class ReadingProgress(models.Model):
    class DeadlineStatus(models.TextChoices):
        ON_TRACK = "on_track", _("em dia")
        NEAR = "near", _("próximo")
        LATE = "late", _("atrasado")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="reading_progress")
    current_page = models.PositiveIntegerField(_("página atual"), default=0)
    total_pages = models.PositiveIntegerField(_("total de páginas"))
    started_at = models.DateField(_("começou em"), default=date.today)
    finished_at = models.DateField(_("terminou em"), null=True, blank=True)
    deadline = models.DateField(_("prazo"), null=True, blank=True)
    deadline_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_abandoned = models.BooleanField(_("abandonado"), default=False)
    abandoned_at = models.DateTimeField(_("abandonado em"), null=True, blank=True)
    notes = models.TextField(_("notas (privadas)"), max_length=5000, blank=True)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)

    class Meta:
        verbose_name = _("progresso de leitura")
        verbose_name_plural = _("progressos de leitura")
        constraints = [
            models.UniqueConstraint(fields=["user", "book"], name="accounts_progress_unique_user_book"),
            models.CheckConstraint(condition=Q(total_pages__gt=0), name="accounts_progress_total_positive"),
            models.CheckConstraint(
                condition=Q(current_page__lte=F("total_pages")), name="accounts_progress_page_within_total"
            ),
        ]
        indexes = [
            # Deadline reminders: active readings with a deadline.
            models.Index(
                fields=["deadline"],
                condition=Q(deadline__isnull=False, finished_at__isnull=True, is_abandoned=False),
                name="accounts_progress_deadline_idx",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.book} · {self.current_page}/{self.total_pages}"

    @property
    def percentage(self) -> int:
        return min(100, math.floor(self.current_page * 100 / self.total_pages)) if self.total_pages else 0

    @property
    def pages_left(self) -> int:
        return max(0, self.total_pages - self.current_page)

    def pages_per_day(self, today: date | None = None) -> float:
        today = today or timezone.localdate()
        days = max(1, (today - self.started_at).days + 1)
        return round(self.current_page / days, 1)

    def estimated_finish(self, today: date | None = None) -> date | None:
        today = today or timezone.localdate()
        if self.finished_at:
            return self.finished_at
        pace = self.pages_per_day(today)
        if pace <= 0:
            return None
        return today + timedelta(days=math.ceil(self.pages_left / pace))

    def deadline_status(self, today: date | None = None) -> str | None:
        """em dia / próximo / atrasado, or None without a deadline or once finished."""
        today = today or timezone.localdate()
        if not self.deadline or self.finished_at or self.is_abandoned:
            return None
        if today > self.deadline:
            return self.DeadlineStatus.LATE
        estimate = self.estimated_finish(today)
        if estimate is not None and estimate > self.deadline:
            return self.DeadlineStatus.LATE
        if (self.deadline - today).days <= DEADLINE_NEAR_DAYS:
            return self.DeadlineStatus.NEAR
        return self.DeadlineStatus.ON_TRACK
