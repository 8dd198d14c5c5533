"""Catalog writes that are not the bulk import (see catalog/importer.py)."""

from django.db import connection, transaction
from django.db.models import Value

from catalog.models import Book
from catalog.search import book_search_vector


def ordered_author_names(*, current: str, names: list[str]) -> str:
    """`names` joined as "A, B", keeping the order `current` already has (goodbooks lists the lead author first)."""
    order = [name.strip() for name in current.split(",")]
    position = {name: i for i, name in enumerate(order)}
    return ", ".join(sorted(names, key=lambda name: (position.get(name, len(order)), name)))[:1000]


@transaction.atomic
def book_refresh_denormalised(*, book_id: int) -> None:
    """Recompute `author_names` from the authors and, on PostgreSQL, `search_vector` (one UPDATE)."""
    book = Book.objects.only("author_names").filter(pk=book_id).first()
    if book is None:
        return
    names = list(book.authors.values_list("name", flat=True))
    values = {"author_names": ordered_author_names(current=book.author_names, names=names)}
    if connection.vendor == "postgresql":
        # SET expressions read the old row, so the new names go in as a value.
        values["search_vector"] = book_search_vector(author_names=Value(values["author_names"]))
    Book.objects.filter(pk=book_id).update(**values)
