"""Cache keys of the accounts app.

The book page's "Avaliações" panel (histogram, average, top public reviews) is cached per
book under a versioned namespace; any review or helpful-vote write bumps that book's
version after commit, so the next request rebuilds it. Viewer-specific state (their own
helpful votes) is never cached here.
"""

from core.cache import bump_namespace, versioned_key
from core.personal import reader_wrote


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
    """Make every stored copy of a profile page stale, anonymous and signed-in, with or without
    a query string (on commit): they live until their owner's namespace moves
    (accounts.views.profile)."""
    reader_wrote(user_id)
