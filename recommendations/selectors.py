"""Reads for the recommendation panels and API: one cached value, or two indexed queries."""

from django.db import connections, router
from django.utils.translation import gettext

from catalog.models import Book
from catalog.selectors import CARD_FIELDS
from recommendations import cache as recs_cache
from recommendations import services
from recommendations.models import ItemNeighbors, UserRecommendations

SIMILAR_LIMIT = 6


def _books(ids: set[int]) -> dict[int, Book]:
    return Book.objects.only(*CARD_FIELDS).in_bulk(ids)


def user_recommendations(*, user_id: int) -> list[dict]:
    """The reader's list, ready to render: [{"book", "score", "because" (Book), "content", "category"}].

    A reader without a stored list (new, or idle during the last training) gets one
    computed now from the stored neighbours and cold-start lists.
    """

    def build():
        row = UserRecommendations.objects.filter(user_id=user_id).first()
        if row is None:
            row = services.user_recommendations_update(user_id=user_id)
        items = row.items if row else []
        books = _books({i["book_id"] for i in items} | {i["reason"].get("book_id") for i in items} - {None})
        return [
            {
                "book": books[item["book_id"]],
                "score": item["score"],
                "because": books.get(item["reason"].get("book_id")),
                "content": item["reason"].get("content", False),
                "category": item["reason"].get("category", ""),
            }
            for item in items
            if item["book_id"] in books
        ]

    return recs_cache.cached_user_recommendations(user_id, build)


# Read on every cold book page: SQL, as compiling it with the ORM cost more CPU than running it.
_NEIGHBORS_SQL = "SELECT neighbors FROM {table} WHERE book_id = %s"


def _neighbors(book_id: int) -> list[int]:
    """The book's neighbour ids in the served model, strongest first ([] when it has none)."""
    connection = connections[router.db_for_read(ItemNeighbors)]
    with connection.cursor() as cursor:
        cursor.execute(_NEIGHBORS_SQL.format(table=ItemNeighbors._meta.db_table), [book_id])
        row = cursor.fetchone()
    if row is None:
        return []
    return ItemNeighbors._meta.get_field("neighbors").from_db_value(row[0], None, connection) or []


def similar_books(*, book_id: int, limit: int = SIMILAR_LIMIT) -> list[Book]:
    """ "Quem leu este também leu": the book's strongest neighbours in the served model."""

    def build():
        neighbors = _neighbors(book_id)[:limit]
        books = _books(set(neighbors))
        return [books[b] for b in neighbors if b in books]

    return recs_cache.cached_similar_books(book_id, build)


def reason_text(item: dict) -> str:
    """Why a book is recommended, in the reader's language."""
    if item["because"] is not None and item.get("content"):
        return gettext("parecido com %(title)s, das suas estantes") % {"title": item["because"].title}
    if item["because"] is not None:
        return gettext("porque você leu %(title)s") % {"title": item["because"].title}
    if item["category"]:
        return gettext("popular em %(category)s") % {"category": item["category"]}
    return gettext("popular entre os leitores")
