"""Cache keys of the library app.

A reader's stats and goal panel live under one versioned namespace per reader; any
change to their shelves, progress, reviews or goals bumps it after commit (see
signals.py), so the next request rebuilds from the database.
"""

from core.cache import bump_namespace, versioned_key


def reader_namespace(user_id: int) -> str:
    return f"library:reader:{user_id}"


def year_stats_key(user_id: int, year: int, *, owner_view: bool) -> str:
    # Others see public reviews only, so they get their own entry.
    return versioned_key(reader_namespace(user_id), "stats", year, "owner" if owner_view else "public")


def year_books_key(user_id: int, year: int, *, owner_view: bool) -> str:
    # The books of "Seu ano em livros", with ratings by audience like the stats.
    return versioned_key(reader_namespace(user_id), "books", year, "owner" if owner_view else "public")


def goal_panel_key(user_id: int, year: int) -> str:
    return versioned_key(reader_namespace(user_id), "goal", year)


def flush_reader_stats(*, user_id: int) -> None:
    bump_namespace(reader_namespace(user_id))
