"""Cache keys of the accounts app.

The book page's "Avaliações" panel (histogram, average, top public reviews) is cached per
book under a versioned namespace; any review or helpful-vote write bumps that book's
version after commit, so the next request rebuilds it. Viewer-specific state (their own
helpful votes) is never cached here.
"""

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from core.cache import bump_namespace, versioned_key
from core.microcache import purge_pages_on_commit


def book_reviews_namespace(book_id: int) -> str:
    return f"accounts:book:{book_id}:reviews"


def book_reviews_summary_key(book_id: int) -> str:
    return versioned_key(book_reviews_namespace(book_id), "summary")


def book_reviews_html_key(book_id: int, *, signed_in: bool) -> str:
    """The rendered panel: the anonymous one, or the signed-in one with slots for each reader's bits."""
    return versioned_key(book_reviews_namespace(book_id), "html", "slots" if signed_in else "out")


def flush_book_reviews(*, book_id: int) -> None:
    """Invalidate every cached review dataset of one book (on commit)."""
    bump_namespace(book_reviews_namespace(book_id))


def purge_profile_page(*, user_id: int) -> None:
    """Drop the stored copies of a profile page, anonymous and signed-in (on commit)."""
    username = get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first()
    try:
        path = reverse("accounts:profile", kwargs={"username": username}) if username else None
    except NoReverseMatch:
        return  # a name no URL can carry (a "/" in it) has no stored page
    if path:
        purge_pages_on_commit(path)
