"""Cache warming and hot-page URLs of the catalog (registered in CatalogConfig.ready)."""

from catalog import selectors

# The most popular books get their pages warmed: they take most of the catalog traffic.
WARM_BOOKS = 50


def warm() -> int:
    """Fill what is missing: the popular list and the popular books' pages."""
    books = selectors.popular_books(limit=WARM_BOOKS)
    selectors.popular_books()
    selectors.categories_for_filter()
    for book in books:
        selectors.book_detail(slug=book.slug)
    return len(books) + 2


def hot_book_url() -> str | None:
    books = selectors.popular_books()
    return books[0].get_absolute_url() if books else None
