from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("debates:topic_detail", kwargs={"slug": self.slug})


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
    content = models.TextField(_("mensagem"), max_length=10000)
    created_at = models.DateTimeField(_("criada em"), auto_now_add=True)
    edited_at = models.DateTimeField(_("editada em"), null=True, blank=True)
    is_deleted = models.BooleanField(_("excluída"), default=False)
    deleted_at = models.DateTimeField(_("excluída em"), null=True, blank=True)
    # Sum of votes (+1/-1), updated with F() on each vote and reconciled periodically.
    votes_score = models.IntegerField(_("pontuação"), default=0)

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
        ]

    def __str__(self):
        return f"{self.author} em {self.topic}"

    def save(self, *args, **kwargs):
        if self.parent_id and not self.root_id:
            self.root_id = self.parent.root_id or self.parent_id
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
