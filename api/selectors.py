"""The few reads the API needs that no page has: a reader's readings, authors, tokens.

Everything else, threads included, comes from the apps' own selectors.
"""

from django.db.models import QuerySet

from accounts.models import ReadingProgress
from api.models import ApiToken
from catalog.models import Author


def author_list(*, q: str = "") -> QuerySet[Author]:
    authors = Author.objects.order_by("name", "id")
    return authors.filter(name__icontains=q) if q else authors


def progress_list(*, user) -> QuerySet[ReadingProgress]:
    return ReadingProgress.objects.filter(user=user).select_related("book").order_by("-updated_at", "-id")


def token_list(*, user) -> QuerySet[ApiToken]:
    """The reader's tokens, newest first, expired ones included (marked on the page)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
