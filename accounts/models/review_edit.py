from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.book_review import BookReview


class ReviewEdit(models.Model):
    """What a review said before an edit (moderators read the history, as for posts)."""

    review = models.ForeignKey(BookReview, on_delete=models.CASCADE, related_name="edits")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    old_rating = models.DecimalField(_("nota anterior"), max_digits=2, decimal_places=1)
    old_title = models.CharField(_("título anterior"), max_length=200, blank=True)
    old_text = models.TextField(_("texto anterior"), max_length=10000, blank=True)
    edited_at = models.DateTimeField(_("editada em"), auto_now_add=True)

    class Meta:
        ordering = ["-edited_at", "-id"]
        verbose_name = _("edição de resenha")
        verbose_name_plural = _("edições de resenhas")
        # The review FK index serves the history (a handful of rows per review).

    def __str__(self):
        return f"{self.review_id} @ {self.edited_at:%Y-%m-%d %H:%M}"
