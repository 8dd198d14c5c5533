from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.privacy import Visibility


class ImportJob(models.Model):
    """One uploaded library file; the task unpacks its rows before any is applied."""

    class Source(models.TextChoices):
        GOODREADS = "goodreads", "Goodreads"
        STORYGRAPH = "storygraph", "StoryGraph"

    class Status(models.TextChoices):
        PENDING = "pending", _("na fila")
        RUNNING = "running", _("em andamento")
        DONE = "done", _("concluída")
        FAILED = "failed", _("falhou")
        CANCELLED = "cancelled", _("cancelada")

    # A reader has at most one job in these (library.services.import_job_create).
    ACTIVE_STATUSES = (Status.PENDING, Status.RUNNING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    source = models.CharField(_("origem"), max_length=20, choices=Source.choices)
    status = models.CharField(_("situação"), max_length=20, choices=Status.choices, default=Status.PENDING)
    file_name = models.CharField(_("arquivo"), max_length=255)
    total_rows = models.PositiveIntegerField(_("linhas"), default=0)
    done_rows = models.PositiveIntegerField(_("linhas processadas"), default=0)
    matched = models.PositiveIntegerField(_("encontradas"), default=0)
    unmatched = models.PositiveIntegerField(_("não encontradas"), default=0)
    created_at = models.DateTimeField(_("criada em"), auto_now_add=True)
    finished_at = models.DateTimeField(_("concluída em"), null=True, blank=True)
    error = models.TextField(_("erro"), max_length=2000, blank=True)
    # Last sign of life: queued, claimed by a run, a batch done. An active job silent for
    # LIBRARY_IMPORT_STALE_MINUTES is queued again by the sweeper (its task was lost).
    touched_at = models.DateTimeField(_("última atividade"), default=timezone.now)
    # The uploaded file until the task unpacks it into rows: the upload request only checks
    # and stores it, so a wave of uploads never holds the web workers (docs/library.md).
    data = models.BinaryField(editable=False, default=b"")

    class Meta:
        verbose_name = _("importação")
        verbose_name_plural = _("importações")
        indexes = [
            # The reader's import history, newest first (library home).
            models.Index(fields=["user", "-created_at"], name="library_job_user_created_idx"),
            # The sweeper: active jobs with no sign of life lately.
            models.Index(
                fields=["touched_at"],
                condition=Q(status__in=["pending", "running"]),
                name="library_job_active_touched_idx",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.source} · {self.file_name}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def percentage(self) -> int:
        return self.done_rows * 100 // self.total_rows if self.total_rows else 100


class ImportRow(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pendente")
        MATCHED = "matched", _("encontrada")
        UNMATCHED = "unmatched", _("não encontrada")
        SKIPPED = "skipped", _("ignorada")
        APPLIED = "applied", _("aplicada")
        FAILED = "failed", _("falhou")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("linha"))
    raw = models.JSONField(_("conteúdo"))
    status = models.CharField(_("situação"), max_length=20, choices=Status.choices, default=Status.PENDING)
    book = models.ForeignKey("catalog.Book", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.CharField(_("mensagem"), max_length=500, blank=True)

    class Meta:
        ordering = ["row_number"]
        verbose_name = _("linha importada")
        verbose_name_plural = _("linhas importadas")
        constraints = [
            models.UniqueConstraint(fields=["job", "row_number"], name="library_row_unique_job_number"),
        ]
        indexes = [
            # The task's batches (pending / matched rows in order) and the unmatched list.
            models.Index(fields=["job", "status", "row_number"], name="library_row_job_status_idx"),
        ]

    def __str__(self):
        return f"{self.job_id}#{self.row_number} {self.status}"


class ReadingGoal(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_goals")
    year = models.PositiveSmallIntegerField(_("ano"), validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    books = models.PositiveIntegerField(_("livros"), validators=[MinValueValidator(1), MaxValueValidator(1000)])
    pages = models.PositiveIntegerField(
        _("páginas"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    visibility = models.CharField(
        _("visibilidade"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meta de leitura")
        verbose_name_plural = _("metas de leitura")
        constraints = [
            models.UniqueConstraint(fields=["user", "year"], name="library_goal_unique_user_year"),
            models.CheckConstraint(condition=Q(books__gte=1), name="library_goal_books_positive"),
        ]

    def __str__(self):
        return f"{self.user} · {self.year} · {self.books}"
