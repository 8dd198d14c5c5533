from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fragments import pk_url
from core.moderation import hidden_by_field
from core.privacy import Visibility

# Ratings go from 1 to 5 stars in half steps.
RATING_CHOICES = [(Decimal(n) / 2, str(Decimal(n) / 2).replace(".", ",")) for n in range(2, 11)]


class BookReview(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    book = models.ForeignKey("catalog.Book", on_delete=models.CASCADE, related_name="reviews")
    rating = models.DecimalField(_("nota"), max_digits=2, decimal_places=1, choices=RATING_CHOICES)
    title = models.CharField(_("título"), max_length=200, blank=True)
    text = models.TextField(_("resenha"), max_length=10000, blank=True)
    contains_spoilers = models.BooleanField(_("contém spoilers"), default=False)
    would_recommend = models.BooleanField(_("recomendaria"), default=True)
    visibility = models.CharField(
        _("visibilidade"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    helpful_count = models.PositiveIntegerField(_("votos úteis"), default=0)
    # Hidden by a moderator (debates' moderation queue): the reason is shown in its place.
    is_hidden = models.BooleanField(_("oculta"), default=False)
    hidden_reason = models.CharField(_("motivo da ocultação"), max_length=300, blank=True)
    hidden_by = hidden_by_field()
    created_at = models.DateTimeField(_("criada em"), auto_now_add=True)
    updated_at = models.DateTimeField(_("atualizada em"), auto_now=True)

    class Meta:
        verbose_name = _("resenha")
        verbose_name_plural = _("resenhas")
        constraints = [
            models.UniqueConstraint(fields=["user", "book"], name="accounts_review_unique_user_book"),
            models.CheckConstraint(
                condition=Q(rating__in=[value for value, _label in RATING_CHOICES]),
                name="accounts_review_rating_half_steps",
            ),
        ]
        indexes = [
            # Public reviews on the book page, most helpful then newest.
            models.Index(
                fields=["book", "-helpful_count", "-created_at"],
                condition=Q(visibility=Visibility.PUBLIC),
                name="accounts_review_book_idx",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.book} · {self.rating}"

    def get_absolute_url(self):
        return pk_url("accounts:review_detail", self.pk)  # pages list many reviews

    # What others see of a review, on pages and in the API alike: a review hidden by the
    # moderation keeps its rating and its place, never its words.
    @property
    def shown_title(self) -> str:
        return "" if self.is_hidden else self.title

    @property
    def shown_text(self) -> str:
        return "" if self.is_hidden else self.text

    @property
    def shown_hidden_reason(self) -> str:
        # A restored review keeps its last reason for the audit trail, but shows none.
        return self.hidden_reason if self.is_hidden else ""


class ReviewHelpfulVote(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(BookReview, on_delete=models.CASCADE, related_name="helpful_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voto útil")
        verbose_name_plural = _("votos úteis")
        constraints = [
            models.UniqueConstraint(fields=["user", "review"], name="accounts_helpful_unique_user_review"),
        ]

    def __str__(self):
        return f"{self.user} → {self.review_id}"
