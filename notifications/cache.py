"""Cache keys of the notifications app: the header's unread counter, one key per reader.

The counter is deleted (after commit) whenever that reader's unread rows change: new
notifications (bulk inserts call `flush_unread` themselves, since they send no signals),
one or all marked read, or a row edited or deleted in the admin (model signals).
"""

from core.cache import bump_namespaces, cached, delete_on_commit

UNREAD_TIMEOUT = 60 * 60


def unread_count_cache_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def cached_unread_count(user_id: int, build) -> int:
    return cached(unread_count_cache_key(user_id), build, timeout=UNREAD_TIMEOUT)


def reader_namespace(user_id: int) -> str:
    """Bumped with the reader's unread counter (a new post in a debate they follow makes one):
    their cached "Debates que você segue" panel (core.personal)."""
    return f"notifications:reader:{user_id}"


def flush_unread(*user_ids: int) -> None:
    if user_ids:
        delete_on_commit(*(unread_count_cache_key(user_id) for user_id in set(user_ids)))
        bump_namespaces(*(reader_namespace(user_id) for user_id in set(user_ids)))
