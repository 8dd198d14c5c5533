"""The catalog's full-text search configuration (PostgreSQL only).

`cgb_unaccent` is the `simple` configuration with accents folded (migration 0003), so
"solidao" finds "Solidão" and "jose saramago" finds "José Saramago": readers type without
accents all the time. No stemming: titles and names are proper nouns more than prose.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector

SEARCH_CONFIG = "cgb_unaccent"


def book_search_vector(title="title", author_names="author_names") -> SearchVector:
    """What `Book.search_vector` holds: title and author names (field names or expressions)."""
    return SearchVector(title, author_names, config=SEARCH_CONFIG)


def book_search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
