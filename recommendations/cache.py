"""Cache keys of the recommendations app, and their invalidation.

- `recommendations:user:v<n>:<user id>`: a reader's stored list, ready to render (books
  included); never its absence. Deleted when that reader's shelves or reviews change or
  their list is stored; the namespace is bumped after a full training, when every list changes.
- `recommendations:similar:v<n>:<book id>`: "Quem leu este também leu" of one book.
  Bumped after a full training (the only writer of the neighbour lists).
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from core.cache import bump_namespace, bump_namespaces, cached, delete_on_commit, versioned_key

T = TypeVar("T")

USER_NAMESPACE = "recommendations:user"
SIMILAR_NAMESPACE = "recommendations:similar"
# Lists change with training or the reader's own writes, both of which invalidate.
TIMEOUT = 6 * 60 * 60
TRAIN_LOCK_KEY = "recommendations:train-lock"


def user_recommendations_key(user_id: int) -> str:
    return versioned_key(USER_NAMESPACE, user_id)


def similar_books_key(book_id: int) -> str:
    return versioned_key(SIMILAR_NAMESPACE, book_id)


def cached_user_recommendations(user_id: int, build: Callable[[], T | None]) -> T | None:
    """The reader's stored list; its absence (None) is not cached: the refresh it queues may
    land before this request would store it, and must show on the next page."""
    return cached(user_recommendations_key(user_id), build, TIMEOUT, keep_none=False)


def cached_similar_books(book_id: int, build: Callable[[], T]) -> T:
    return cached(similar_books_key(book_id), build, TIMEOUT, late=True)


def reader_namespace(user_id: int) -> str:
    """Bumped with each new list of the reader: their cached "Recomendados" panel (core.personal)."""
    return f"recommendations:reader:{user_id}"


def panel_namespaces(user_id: int) -> tuple[str, ...]:
    return (reader_namespace(user_id), USER_NAMESPACE)


def flush_user(*, user_id: int) -> None:
    """A reader's shelves or reviews changed, or their list was recomputed: drop it (on commit)."""
    delete_on_commit(user_recommendations_key(user_id))
    bump_namespaces(reader_namespace(user_id))


def flush_all() -> None:
    """A new model was trained: every list and neighbour list is stale."""
    bump_namespace(USER_NAMESPACE)
    bump_namespace(SIMILAR_NAMESPACE)


# A refresh already queued for a reader makes further changes wait for it: a burst of
# shelf writes (a library import) queues one refresh at a time, not one per row.
REFRESH_QUEUED_TIMEOUT = 10 * 60


def _refresh_queued_key(user_id: int) -> str:
    return f"recommendations:refresh-queued:{user_id}"


def claim_refresh(*, user_id: int) -> bool:
    """True if no refresh is queued for this reader yet (the caller then queues one)."""
    return bool(cache.add(_refresh_queued_key(user_id), 1, REFRESH_QUEUED_TIMEOUT))


def release_refresh(*, user_id: int) -> None:
    """Called when the refresh starts, so a change made from now on queues another."""
    cache.delete(_refresh_queued_key(user_id))
