"""Cache keys of the debates app, and their invalidation.

Namespaces, bumped (after commit) instead of hunting keys:
- "debates:list": every list page and the home panel. Any topic or post change bumps it, so
  a new post moves its topic up on the next request.
- "debates:book:<id>": the book page's panel of its debates (and so the stored book page).
  A change of a topic about the book, or of a post in one, bumps it with the list: a post
  elsewhere leaves every other book's page stored.
- "debates:topic:<id>": the post tree pages of one topic (viewer-independent: the viewer's
  own votes are read fresh). Changes to that topic's posts or votes bump it.

The minimum interval between two posts of a reader is a short-lived "debates:flood:<user id>"
key set with `cache.add` (atomic SET NX).

View counts are buffered in plain integer keys ("debates:views:<id>") and moved to the
database by `services.topic_views_flush`.
"""

import logging

from django.core.cache import cache

from core.cache import bump_namespace, bump_namespaces, raw_redis, versioned_key
from core.personal import amend_facts

logger = logging.getLogger(__name__)

LIST_NAMESPACE = "debates:list"
LIST_TIMEOUT = 300
TOPIC_TIMEOUT = 300
VIEWS_PREFIX = "debates:views:"


# The reader's read marks and votes as cached facts (core.personal.register_facts, in apps).
READS_FACTS, VOTES_FACTS = "debates_reads", "debates_votes"


def reads_namespace(user_id: int) -> str:
    """Bumped when the reader's read marks move (visiting a topic with new posts)."""
    return f"debates:reads:{user_id}"


def flush_reads(*, user_id: int, topic_id: int, read_at) -> None:
    """The reader's read mark of a topic moved to `read_at`: their cached marks take it along
    (no rebuild on their next page); what else depends on their marks is rendered again."""

    def moved(marks: dict) -> dict:
        return {**marks, topic_id: max(read_at, marks.get(topic_id, read_at))}

    amend_facts(user_id, READS_FACTS, reads_namespace(user_id), moved)


def topic_namespace(topic_id: int) -> str:
    return f"debates:topic:{topic_id}"


def topic_list_cache_key(page: int, book_slug: str | None = None, sort: str = "ativos") -> str:
    return versioned_key(LIST_NAMESPACE, "page", sort, book_slug or "-", page)


def topic_rows_html_key(page: int, book_slug: str | None = None, sort: str = "ativos") -> str:
    """A list page's rows as HTML, with marks for each reader's unread badges."""
    return versioned_key(LIST_NAMESPACE, "rows-html", sort, book_slug or "-", page)


def book_namespace(book_id: int) -> str:
    return f"debates:book:{book_id}"


def book_panel_cache_key(book_id: int) -> str:
    return versioned_key(book_namespace(book_id), "panel")


def home_panel_cache_key() -> str:
    return versioned_key(LIST_NAMESPACE, "home-panel")


def topic_posts_cache_key(topic_id: int, page: int, sort: str = "cronologica") -> str:
    return versioned_key(topic_namespace(topic_id), "posts", sort, page)


def topic_thread_html_key(topic_id: int, page: int, sort: str = "cronologica", *, locked: bool = False) -> str:
    """A page's posts as HTML for signed-in readers, with marks for each reader's own bits;
    the reply links come and go with the lock. The name changes with the marks' kinds, so
    a deploy never fills a stored page whose kinds it no longer knows."""
    return versioned_key(topic_namespace(topic_id), "thread-html-2", sort, page, "locked" if locked else "open")


def flood_key(user_id: int) -> str:
    return f"debates:flood:{user_id}"


def flush_topic_list(*book_ids: int | None) -> None:
    """The lists, and the debates panels of these books (a topic's `book_id`, None for none)."""
    bump_namespace(LIST_NAMESPACE)
    bump_namespaces(*(book_namespace(book_id) for book_id in set(book_ids) if book_id))


def flush_topic(topic_id: int) -> None:
    bump_namespace(topic_namespace(topic_id))


# --- View counter buffer ----------------------------------------------------------------


def _views_key(topic_id: int) -> str:
    return f"{VIEWS_PREFIX}{topic_id}"


def views_buffer_available() -> bool:
    """Buffering needs a cache that can list its keys (django-redis); locmem cannot."""
    return hasattr(cache, "iter_keys")


def views_buffer_incr(topic_id: int) -> bool:
    """Count one view in the buffer; False when it could not (no Redis, Redis down)."""
    if not views_buffer_available():
        return False
    key = _views_key(topic_id)
    try:
        # No expiry: a buffered count lives until the flush task moves it.
        return cache.incr(key) is not None
    except ValueError:  # first view since the last flush
        if cache.add(key, 1, timeout=None):
            return True
        return cache.incr(key) is not None


def views_buffer_topic_ids() -> list[int]:
    if not views_buffer_available():
        return []
    keys = cache.iter_keys(f"{VIEWS_PREFIX}*") or []
    return [int(key.removeprefix(VIEWS_PREFIX)) for key in keys]


def views_buffer_take(topic_id: int) -> int:
    """Read and reset one buffered count atomically (Redis GETDEL), so a count is moved once."""
    raw = raw_redis().getdel(cache.make_key(_views_key(topic_id)))
    return int(raw) if raw is not None else 0


def views_buffer_put_back(counts: dict[int, int]) -> None:
    """Return taken counts to the buffer when the database write failed."""
    for topic_id, count in counts.items():
        key = _views_key(topic_id)
        if not cache.add(key, count, timeout=None):
            cache.incr(key, count)
