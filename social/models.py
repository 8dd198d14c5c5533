"""Who follows whom (and who blocks or mutes whom), and what readers did (activities)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.privacy import Visibility


class FollowPolicy(models.TextChoices):
    ANYONE = "anyone", _("Qualquer leitor")
    APPROVAL = "approval", _("Só quem eu aprovar")
    NOBODY = "nobody", _("Ninguém")


class SocialSettings(models.Model):
    """A reader's follow policy and counters; a reader without a row lets anyone follow."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="social"
    )
    follow_policy = models.CharField(
        _("quem pode me seguir"), max_length=10, choices=FollowPolicy.choices, default=FollowPolicy.ANYONE
    )
    # Denormalised, moved with F() by the services and recomputed by social_counts_reconcile.
    followers_count = models.PositiveIntegerField(_("seguidores"), default=0)
    following_count = models.PositiveIntegerField(_("seguindo"), default=0)

    class Meta:
        verbose_name = _("preferências sociais")
        verbose_name_plural = _("preferências sociais")
        indexes = [
            # Followed accounts past the fan-out threshold (read-merged); the most followed readers.
            models.Index(fields=["-followers_count"], name="social_settings_followers_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.follow_policy}"


class Follow(models.Model):
    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("seguindo")
        PENDING = "pending", _("pedido pendente")

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    followee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    status = models.CharField(_("situação"), max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    created_at = models.DateTimeField(_("desde"), default=timezone.now)

    class Meta:
        verbose_name = _("seguidor")
        verbose_name_plural = _("seguidores")
        constraints = [
            # Also the index of "whom does this reader follow" (feed rebuild, following list).
            models.UniqueConstraint(fields=["follower", "followee"], name="social_follow_unique"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="social_follow_not_self"),
        ]
        indexes = [
            # Followers list (newest first), fan-out and the pending-requests page.
            models.Index(fields=["followee", "status", "-created_at"], name="social_follow_followee_idx"),
            # Following list, newest first.
            models.Index(fields=["follower", "status", "-created_at"], name="social_follow_follower_idx"),
        ]

    def __str__(self):
        return f"{self.follower_id} → {self.followee_id} ({self.status})"


class Block(models.Model):
    """`blocker` and `blocked` stop following each other and stop seeing each other's activities."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bloqueio")
        verbose_name_plural = _("bloqueios")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="social_block_unique"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="social_block_not_self"),
        ]

    def __str__(self):
        return f"{self.blocker_id} ⊘ {self.blocked_id}"


class Mute(models.Model):
    """`muted`'s activities leave `muter`'s feed; the follow stays and `muted` is not told."""

    muter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("silenciado")
        verbose_name_plural = _("silenciados")
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="social_mute_unique"),
            models.CheckConstraint(condition=~Q(muter=F("muted")), name="social_mute_not_self"),
        ]

    def __str__(self):
        return f"{self.muter_id} 🔇 {self.muted_id}"


class Activity(models.Model):
    """Something a reader did, shown to others as its item's privacy allows.

    `visibility` mirrors the item's (a shelf's, a review's, a goal's; a hidden or deleted
    post or review counts as private) and is rewritten by the signal receivers whenever
    the item changes. Lists and feeds show only public activities; deleting the item
    deletes the activity (foreign keys cascade).
    """

    class Verb(models.TextChoices):
        STARTED = "started", _("começou a ler")
        FINISHED = "finished", _("terminou de ler")
        ABANDONED = "abandoned", _("abandonou")
        PROGRESS = "progress", _("avançou na leitura de")
        RATED = "rated", _("avaliou")
        REVIEWED = "reviewed", _("resenhou")
        TOPIC = "topic", _("abriu um debate sobre")
        POST = "post", _("comentou num debate sobre")
        GOAL = "goal", _("atingiu a meta de leitura de")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    verb = models.CharField(_("o quê"), max_length=10, choices=Verb.choices)
    visibility = models.CharField(_("visibilidade"), max_length=10, choices=Visibility.choices)
    created_at = models.DateTimeField(_("quando"), default=timezone.now)
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The item the activity is about; deleting it deletes the activity.
    shelf_entry = models.ForeignKey(
        "accounts.BookShelf", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    progress = models.ForeignKey(
        "accounts.ReadingProgress", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    review = models.ForeignKey(
        "accounts.BookReview", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    topic = models.ForeignKey("debates.DebateTopic", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    post = models.ForeignKey(
        "debates.DebatePost", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    goal = models.ForeignKey(
        "library.ReadingGoal", on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    # Progress milestones: the percentage reached (25, 50, 75).
    percent = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("atividade")
        verbose_name_plural = _("atividades")
        constraints = [
            # One activity per item and verb (a re-read refreshes it); each also indexes its FK.
            models.UniqueConstraint(
                fields=["shelf_entry", "verb"], condition=Q(shelf_entry__isnull=False), name="social_act_entry_unique"
            ),
            models.UniqueConstraint(
                fields=["progress", "percent"], condition=Q(progress__isnull=False), name="social_act_progress_unique"
            ),
            models.UniqueConstraint(
                fields=["review"], condition=Q(review__isnull=False), name="social_act_review_unique"
            ),
            models.UniqueConstraint(fields=["post"], condition=Q(post__isnull=False), name="social_act_post_unique"),
            models.UniqueConstraint(fields=["goal"], condition=Q(goal__isnull=False), name="social_act_goal_unique"),
        ]
        indexes = [
            # A reader's activities (profile list, feed rebuild and read-merge), newest first.
            models.Index(
                fields=["actor", "-created_at", "-id"],
                condition=Q(visibility=Visibility.PUBLIC),
                name="social_act_actor_idx",
            ),
            # The community stream: every public activity, newest first.
            models.Index(
                fields=["-created_at", "-id"], condition=Q(visibility=Visibility.PUBLIC), name="social_act_recent_idx"
            ),
            # Privacy changes rewrite one reader's activities of some verbs.
            models.Index(fields=["actor", "verb"], name="social_act_actor_verb_idx"),
        ]

    def __str__(self):
        return f"{self.actor_id} {self.verb} {self.book_id or ''} ({self.visibility})"
