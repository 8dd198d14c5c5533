from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelRun(models.Model):
    """One full training: when, how long, how much memory, with what, and its progress log."""

    class Status(models.TextChoices):
        RUNNING = "running", _("em andamento")
        SUCCESS = "success", _("concluído")
        FAILED = "failed", _("falhou")

    status = models.CharField(_("situação"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("início"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fim"), null=True, blank=True)
    duration_seconds = models.FloatField(_("duração (s)"), null=True, blank=True)
    peak_memory_mb = models.FloatField(_("pico de memória (MB)"), null=True, blank=True)
    params = models.JSONField(_("parâmetros"), default=dict, blank=True)
    # Sizes (users, books, interactions) and timings of each step.
    metrics = models.JSONField(_("métricas"), default=dict, blank=True)
    # Cold-start lists: {"all": [book ids], "<category id>": [book ids]}, most popular first.
    popular = models.JSONField(_("populares"), default=dict, blank=True)
    log = models.TextField(_("registro"), blank=True)

    class Meta:
        verbose_name = _("treino de recomendações")
        verbose_name_plural = _("treinos de recomendações")
        indexes = [
            # The latest successful run (cold-start lists, model version).
            models.Index(fields=["status", "-finished_at"], name="recs_run_status_finished_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_status_display()} {self.started_at:%Y-%m-%d %H:%M}"


class ItemNeighbors(models.Model):
    """A book's top neighbours in the served model ("Quem leu este também leu"), best first."""

    book = models.OneToOneField("catalog.Book", on_delete=models.CASCADE, primary_key=True, related_name="+")
    neighbors = models.JSONField(_("vizinhos"), default=list)  # [book id, ...]
    scores = models.JSONField(_("pesos"), default=list)  # [float, ...], same order
    model_version = models.PositiveIntegerField(_("versão do modelo"))

    class Meta:
        verbose_name = _("vizinhos do livro")
        verbose_name_plural = _("vizinhos dos livros")

    def __str__(self):
        return f"{self.book_id}: {len(self.neighbors)}"


class UserRecommendations(models.Model):
    """A reader's current list: [{"book_id", "score", "reason": {...}}], best first."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    items = models.JSONField(_("itens"), default=list)
    model_version = models.PositiveIntegerField(_("versão do modelo"), default=0)
    computed_at = models.DateTimeField(_("calculado em"), auto_now=True)

    class Meta:
        verbose_name = _("recomendações do leitor")
        verbose_name_plural = _("recomendações dos leitores")

    def __str__(self):
        return f"{self.user_id}: {len(self.items)}"
