"""Reads for the recommendation panels and API: one cached value, or a few indexed queries."""

from django.db import connections, router
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext

from accounts.models import BookReview, BookShelf
from catalog.models import Book
from catalog.selectors import CARD_FIELDS, popular_books
from recommendations import cache as recs_cache
from recommendations import services, tasks
from recommendations.models import ItemNeighbors, UserRecommendations

SIMILAR_LIMIT = 6


def _books(ids: set[int]) -> dict[int, Book]:
    return Book.objects.only(*CARD_FIELDS).in_bulk(ids)


def user_recommendations(*, user_id: int) -> list[dict]:
    """The reader's list, ready to render: [{"book", "score", "because" (Book), "content", "category"}].

    A reader without a stored list (new, or idle during the last training) is never computed
    one here: their refresh is queued (recommendations.tasks.queue_refresh, at most one at a
    time) and they get `interim_recommendations` meanwhile. The refresh bumps their panel's
    namespace when it stores the list, so their next page shows it.
    """
    items = recs_cache.cached_user_recommendations(user_id, lambda: _stored_list(user_id))
    if items is not None:
        return items
    tasks.queue_refresh(user_id=user_id)
    return interim_recommendations(user_id=user_id)


def _stored_list(user_id: int) -> list[dict] | None:
    items = UserRecommendations.objects.filter(user_id=user_id).values_list("items", flat=True).first()
    if items is None:
        return None
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


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def interim_recommendations(*, user_id: int) -> list[dict]:
    """A list for a reader whose own is being computed: the stored neighbours of their latest
    book, then the popular books, minus what they have. One query for their books, one for
    the latest book; the neighbours and the popular books are shared cached lists."""
    shelves = BookShelf.objects.filter(user_id=user_id).values_list(
        "book_id", "added_at", _flag(~Q(shelf_type=BookShelf.ShelfType.ABANDONED))
    )
    reviews = BookReview.objects.filter(user_id=user_id).values_list(
        "book_id", "created_at", _flag(Q(rating__gte=services.POSITIVE_RATING))
    )
    rows = list(shelves.union(reviews, all=True))
    seen = {book_id for book_id, _at, _positive in rows}
    liked = [(at, book_id) for book_id, at, positive in rows if positive]
    items: list[dict] = []
    if liked:
        latest_id = max(liked)[1]
        neighbors = [book for book in similar_books(book_id=latest_id) if book.pk not in seen]
        latest = _books({latest_id}).get(latest_id) if neighbors else None
        if latest is not None:
            items = [
                {"book": book, "score": 0.0, "because": latest, "content": False, "category": ""} for book in neighbors
            ]
    taken = seen | {item["book"].pk for item in items}
    items += [
        {"book": book, "score": 0.0, "because": None, "content": False, "category": ""}
        for book in popular_books()
        if book.pk not in taken
    ]
    return items[: services.LIST_SIZE]


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
