"""Reports, suspensions and the audit trail of moderation.

The tables keep the names they had when moderation lived in `debates` (`debates_*`): the
rows stayed where they were when the models moved here (migrations 0001 of this app and
0010 of debates change Django's state only).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """What a reader's report of a post or a review holds: reason, details, life cycle."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam ou propaganda")
        OFFENSIVE = "offensive", _("Ofensiva ou abusiva")
        SPOILER = "spoiler", _("Spoiler sem aviso")
        OFF_TOPIC = "off_topic", _("Fora do tema")
        OTHER = "other", _("Outro motivo")

    class Status(models.TextChoices):
        OPEN = "open", _("aberta")
        RESOLVED = "resolved", _("resolvida")
        DISMISSED = "dismissed", _("descartada")

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    reason = models.CharField(_("motivo"), max_length=20, choices=Reason.choices)
    text = models.TextField(_("detalhes"), max_length=1000, blank=True)
    status = models.CharField(_("situação"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("criada em"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolvida em"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class PostReport(Report):
    post = models.ForeignKey("debates.DebatePost", on_delete=models.CASCADE, related_name="reports")

    class Meta:
        db_table = "debates_postreport"
        verbose_name = _("denúncia")
        verbose_name_plural = _("denúncias")
        constraints = [
            # One open report per reader and post (a closed one does not block a new report).
            models.UniqueConstraint(
                fields=["reporter", "post"], condition=Q(status="open"), name="debates_report_one_open_per_reporter"
            ),
        ]
        indexes = [
            # Moderation queue: open reports, oldest first.
            models.Index(fields=["created_at", "id"], condition=Q(status="open"), name="debates_report_open_idx"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.post_id}"

    @property
    def subject(self):
        """What was reported (services close its reports together)."""
        return self.post


class ReviewReport(Report):
    """A reader's report of a book review, worked in the same queue as the posts'."""

    review = models.ForeignKey("accounts.BookReview", on_delete=models.CASCADE, related_name="reports")

    class Meta:
        db_table = "debates_reviewreport"
        verbose_name = _("denúncia de resenha")
        verbose_name_plural = _("denúncias de resenhas")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "review"],
                condition=Q(status="open"),
                name="debates_reviewreport_one_open_per_reporter",
            ),
        ]
        indexes = [
            # Moderation queue: open reports, oldest first.
            models.Index(fields=["created_at", "id"], condition=Q(status="open"), name="debates_reviewreport_open_idx"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.review_id}"

    @property
    def subject(self):
        """What was reported (services close its reports together)."""
        return self.review


class DebateSuspension(models.Model):
    """A reader who may read but not post, open topics or vote, until `until` (null: until lifted)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debate_suspension")
    until = models.DateTimeField(_("até"), null=True, blank=True)
    reason = models.CharField(_("motivo"), max_length=300)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("criada em"), auto_now_add=True)

    class Meta:
        db_table = "debates_debatesuspension"
        verbose_name = _("suspensão nos debates")
        verbose_name_plural = _("suspensões nos debates")

    def __str__(self):
        return f"{self.user} ({self.reason})"

    def is_active(self, now=None) -> bool:
        return self.until is None or self.until > (now or timezone.now())


class ModerationAction(models.Model):
    """The audit trail of moderation, append-only: who did what to which item, why and when.

    Written by the moderation services (hide, restore, dismiss, pin, lock, suspend); never
    updated nor deleted (the admin shows it read-only). A restore adds its own row: the
    hide before it, with its reason and moderator, stays as it was.
    """

    class Kind(models.TextChoices):
        HIDE = "hide", _("ocultou")
        RESTORE = "restore", _("restaurou")
        DISMISS = "dismiss", _("descartou denúncias de")
        PIN = "pin", _("fixou")
        UNPIN = "unpin", _("desafixou")
        LOCK = "lock", _("trancou")
        UNLOCK = "unlock", _("destrancou")
        SUSPEND = "suspend", _("suspendeu")
        UNSUSPEND = "unsuspend", _("removeu a suspensão de")

    class Target(models.TextChoices):
        POST = "post", _("mensagem")
        REVIEW = "review", _("resenha")
        TOPIC = "topic", _("debate")
        USER = "user", _("leitor")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("moderador")
    )
    kind = models.CharField(_("ação"), max_length=20, choices=Kind.choices)
    target_type = models.CharField(_("tipo do item"), max_length=20, choices=Target.choices)
    target_id = models.PositiveBigIntegerField(_("id do item"))
    reason = models.CharField(_("motivo"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("quando"), auto_now_add=True)

    class Meta:
        db_table = "debates_moderationaction"
        ordering = ["-created_at", "-id"]
        verbose_name = _("ação de moderação")
        verbose_name_plural = _("ações de moderação")
        indexes = [
            # One item's history (admin filter, a moderator looking up a post or a reader).
            models.Index(fields=["target_type", "target_id", "-created_at"], name="debates_modaction_target_idx"),
        ]

    def __str__(self):
        return f"{self.actor_id} {self.kind} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("ModerationAction is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("ModerationAction is append-only")
