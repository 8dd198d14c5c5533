from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """A Celery task to publish once the write that asked for it commits (core/jobs.py).

    Written in the same transaction as the write, so work is never lost to a broker
    outage nor sent for a write that rolled back: a row stays unsent (`sent_at` empty)
    until the broker takes it, and `outbox_drain` publishes what the request could not.
    """

    name = models.CharField(_("tarefa"), max_length=200)
    args = models.JSONField(_("argumentos"), default=list, blank=True)
    kwargs = models.JSONField(_("argumentos nomeados"), default=dict, blank=True)
    created_at = models.DateTimeField(_("criada em"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("tentativas de envio"), default=0)
    sent_at = models.DateTimeField(_("enviada em"), null=True, blank=True)

    class Meta:
        verbose_name = _("tarefa a enviar")
        verbose_name_plural = _("tarefas a enviar")
        indexes = [
            # The drain: unsent rows, oldest first (few, unless the broker is down).
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="core_outbox_unsent_idx"),
            # The prune: sent rows past the keeping time.
            models.Index(fields=["created_at"], name="core_outbox_created_idx"),
        ]

    def __str__(self):
        return f"{self.name}{tuple(self.args)} · {'enviada' if self.sent_at else 'pendente'}"
