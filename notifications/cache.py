"""Cache keys of the notifications app: one namespace per reader.

`notifications:reader:<id>` is bumped (after commit) whenever that reader's unread rows
change: new notifications (bulk inserts call `flush_unread` themselves, since they send no
signals), one or all marked read, or a row edited or deleted in the admin (model signals).
What depends on it is counted or rendered again: the header's counter (the reader's cached
facts, core.personal) and their "Debates que você segue" panel.
"""

from core.cache import bump_namespaces


def reader_namespace(user_id: int) -> str:
    return f"notifications:reader:{user_id}"


def flush_unread(*user_ids: int) -> None:
    if user_ids:
        bump_namespaces(*(reader_namespace(user_id) for user_id in set(user_ids)))
