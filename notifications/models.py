from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("resposta")
        MENTION = "mention", _("menção")
        VOTE_MILESTONE = "vote_milestone", _("marca de votos")
        TOPIC_POST = "topic_post", _("nova mensagem em debate seguido")
        DEADLINE = "deadline", _("prazo de leitura")
        IMPORT_FINISHED = "import_finished", _("importação concluída")

    # No index of its own: every index below leads with recipient.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey("debates.DebateTopic", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    post = models.ForeignKey("debates.DebatePost", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    milestone = models.PositiveIntegerField(_("marca"), null=True, blank=True)
    # A text snapshot for kinds whose wording depends on the moment (deadlines, imports);
    # the others are worded at render time from the related rows.
    message = models.CharField(_("mensagem"), max_length=300, blank=True)
    # One notification per recipient and event ("post:<id>", "milestone:<post>:<n>", ...):
    # a retried task inserts with ON CONFLICT DO NOTHING and creates no duplicate.
    dedupe_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("criada em"), auto_now_add=True, db_index=False)
    read_at = models.DateTimeField(_("lida em"), null=True, blank=True)

    class Meta:
        verbose_name = _("notificação")
        verbose_name_plural = _("notificações")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notifications_unique_recipient_dedupe",
            ),
        ]
        indexes = [
            # Notifications page: a reader's notifications, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notifications_recipient_idx"),
            # Header counter and "mark all read": a reader's unread rows only.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notifications_unread_idx",
            ),
            # Prune: read rows older than the retention period.
            models.Index(fields=["read_at"], condition=Q(read_at__isnull=False), name="notifications_read_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class TopicFollow(models.Model):
    # No index of its own: the unique constraint leads with user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_follows", db_index=False
    )
    topic = models.ForeignKey("debates.DebateTopic", on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("desde"), auto_now_add=True)

    class Meta:
        verbose_name = _("debate seguido")
        verbose_name_plural = _("debates seguidos")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="notifications_follow_unique_user_topic"),
        ]
        indexes = [
            # Fan-out: a topic's followers, walked in user id order in chunks.
            models.Index(fields=["topic", "user"], name="notifications_follow_topic_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} segue {self.topic_id}"
