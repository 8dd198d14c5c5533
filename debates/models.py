from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fragments import slug_url
from core.moderation import hidden_by_field


class DebateTopic(models.Model):
    # No index of its own: debates_topic_book_idx leads with book.
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="debate_topics", db_index=False)
    title = models.CharField(_("título"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("descrição"), max_length=5000, blank=True)
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="debate_topics")
    is_pinned = models.BooleanField(_("fixado"), default=False)
    is_locked = models.BooleanField(_("trancado"), default=False)
    # Denormalised counters, updated with F() by the services and reconciled periodically.
    views_count = models.PositiveIntegerField(_("visualizações"), default=0)
    posts_count = models.PositiveIntegerField(_("mensagens"), default=0)
    last_activity_at = models.DateTimeField(_("última atividade"), default=timezone.now)
    # "Em alta" rank (see debates.ranking.hot_score), moved with posts_count.
    hot_score = models.FloatField(_("pontuação em alta"), default=0.0)
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)

    class Meta:
        verbose_name = _("debate")
        verbose_name_plural = _("debates")
        indexes = [
            # Debates list: pinned first, then most recently active.
            models.Index(fields=["-is_pinned", "-last_activity_at"], name="debates_topic_list_idx"),
            # Debates about one book (book page).
            models.Index(fields=["book", "-last_activity_at"], name="debates_topic_book_idx"),
            # Debates list sorted "Em alta": pinned first, then hot score.
            models.Index(fields=["-is_pinned", "-hot_score"], name="debates_topic_hot_idx"),
            # Debates list sorted "Novos": pinned first, then newest.
            models.Index(fields=["-is_pinned", "-created_at"], name="debates_topic_new_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("debates:topic_detail", self.slug)


class DebatePost(models.Model):
    topic = models.ForeignKey(DebateTopic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="debate_posts")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("resposta a")
    )
    # The top-level post of the thread (null for a top-level post): a page of threads
    # fetches all its replies, at any depth, in one query by root id (the composite index
    # below leads with root, so the FK needs no index of its own).
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+", editable=False, db_index=False
    )
    # 0 for a top-level post, parent's + 1 for a reply; never above DEBATES_MAX_REPLY_DEPTH.
    depth = models.PositiveSmallIntegerField(_("nível"), default=0, editable=False)
    content = models.TextField(_("mensagem"), max_length=10000)
    created_at = models.DateTimeField(_("criada em"), auto_now_add=True)
    edited_at = models.DateTimeField(_("editada em"), null=True, blank=True)
    is_deleted = models.BooleanField(_("excluída"), default=False)
    deleted_at = models.DateTimeField(_("excluída em"), null=True, blank=True)
    # Sum of votes (+1/-1), updated with F() on each vote and reconciled periodically.
    votes_score = models.IntegerField(_("pontuação"), default=0)
    upvotes = models.PositiveIntegerField(_("votos a favor"), default=0)
    downvotes = models.PositiveIntegerField(_("votos contra"), default=0)
    # Wilson lower bound of upvotes / (upvotes + downvotes), recomputed with each vote.
    wilson_score = models.FloatField(_("pontuação Wilson"), default=0.0)
    # Hidden by a moderator: the text leaves the page (and the cache), the reason shows instead.
    is_hidden = models.BooleanField(_("oculta"), default=False)
    # Kept after a restore (the audit trail in ModerationAction says when and by whom).
    hidden_reason = models.CharField(_("motivo da ocultação"), max_length=300, blank=True)
    hidden_by = hidden_by_field()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("mensagem")
        verbose_name_plural = _("mensagens")
        indexes = [
            # Topic page: the topic's posts in order.
            models.Index(fields=["topic", "created_at"], name="debates_post_topic_created_idx"),
            # A reader's own posts (profile, account export).
            models.Index(fields=["author", "-created_at"], name="debates_post_author_idx"),
            # Topic page: the replies of one page of threads (root__in=..., in order).
            models.Index(fields=["root", "created_at"], name="debates_post_root_created_idx"),
            # Topic page sorted "Mais votados": the topic's top-level posts by Wilson score.
            models.Index(
                fields=["topic", "-wilson_score", "created_at", "id"],
                condition=Q(parent__isnull=True),
                name="debates_post_topic_top_idx",
            ),
        ]

    def __str__(self):
        return f"{self.author} em {self.topic}"

    def save(self, *args, **kwargs):
        if self.parent_id and not self.root_id:
            self.root_id = self.parent.root_id or self.parent_id
            self.depth = self.parent.depth + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.topic.get_absolute_url()}#post-{self.pk}"


class DebateVote(models.Model):
    class Value(models.IntegerChoices):
        UP = 1, _("a favor")
        DOWN = -1, _("contra")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debate_votes")
    post = models.ForeignKey(DebatePost, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("voto"), choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voto")
        verbose_name_plural = _("votos")
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="debates_vote_unique_user_post"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="debates_vote_value_valid"),
        ]

    def __str__(self):
        return f"{self.user} {self.value:+d} {self.post_id}"


class TopicRead(models.Model):
    """When a reader last saw a topic: newer activity makes it unread (older than the cutoff is read)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    topic = models.ForeignKey(DebateTopic, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("lido em"))

    class Meta:
        verbose_name = _("leitura de debate")
        verbose_name_plural = _("leituras de debates")
        constraints = [
            # Also the index of the list's "read_at of these topics for this reader" query.
            models.UniqueConstraint(fields=["user", "topic"], name="debates_read_unique_user_topic"),
        ]
        indexes = [
            # The prune task: rows older than the cutoff.
            models.Index(fields=["read_at"], name="debates_read_read_at_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} leu {self.topic_id} em {self.read_at:%Y-%m-%d %H:%M}"


class PostEdit(models.Model):
    """The text a post had before an edit (moderators read the history)."""

    post = models.ForeignKey(DebatePost, on_delete=models.CASCADE, related_name="edits")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    old_content = models.TextField(_("texto anterior"), max_length=10000)
    edited_at = models.DateTimeField(_("editada em"), auto_now_add=True)

    class Meta:
        ordering = ["-edited_at", "-id"]
        verbose_name = _("edição de mensagem")
        verbose_name_plural = _("edições de mensagens")
        # The post FK index serves the history page (a handful of rows per post).

    def __str__(self):
        return f"{self.post_id} @ {self.edited_at:%Y-%m-%d %H:%M}"
