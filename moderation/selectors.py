"""Reads of moderation: the queue of open reports, a fixed number of queries each."""

from django.conf import settings

from core.pagination import paginate
from moderation.models import PostReport, ReviewReport

REVIEW_REPORTS_SHOWN = 50


def open_reports_page(*, page_number: int = 1):
    """The moderation queue: open reports, oldest first, with post, topic and people (fixed queries)."""
    reports = (
        PostReport.objects.filter(status=PostReport.Status.OPEN)
        .select_related("post__topic", "post__author", "reporter")
        .only(
            "reason",
            "text",
            "created_at",
            "reporter__username",
            "post__content",
            "post__is_hidden",
            "post__is_deleted",
            "post__author__username",
            "post__author__is_staff",
            "post__topic__title",
            "post__topic__slug",
        )
        .order_by("created_at", "id")
    )
    return paginate(reports, number=page_number, per_page=settings.DEBATES_PAGE_SIZE)


def open_review_reports(*, limit: int = REVIEW_REPORTS_SHOWN) -> tuple[list[ReviewReport], int]:
    """The oldest open review reports with review, book and people, and how many are open (2 queries)."""
    reports = ReviewReport.objects.filter(status=ReviewReport.Status.OPEN)
    rows = list(
        reports.select_related("review__book", "review__user", "reporter")
        .only(
            "reason",
            "text",
            "created_at",
            "reporter__username",
            "review__title",
            "review__text",
            "review__rating",
            "review__is_hidden",
            "review__user__username",
            "review__user__is_staff",
            "review__book__title",
            "review__book__slug",
        )
        .order_by("created_at", "id")[:limit]
    )
    return rows, reports.count()
