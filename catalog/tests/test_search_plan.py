import hashlib

import pytest
from django.db import connection

from catalog import selectors
from catalog.models import Author, Book
from catalog.search import book_search_vector


def make_books(n: int = 5000) -> None:
    """5,000 rows, a word ("quimera") in 5 of them; names vary so trigrams are selective."""
    words = ["amor", "guerra", "mar", "noite", "casa", "tempo", "sombra", "vento"]
    Book.objects.bulk_create(
        [
            Book(
                title=f"{words[i % 8]} {words[(i // 8) % 8]} {i}" + (" quimera" if i % 1000 == 0 else ""),
                slug=f"plano-{i}",
                author_names=f"Autora {i % 300} Sobrenome{i % 97}",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )


def settle(*indexes: str) -> None:
    """What autovacuum does in production: merge the GIN pending lists, analyse the tables."""
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE catalog_book")
        cursor.execute("ANALYZE catalog_author")


@pytest.mark.django_db
def test_full_text_search_uses_the_gin_index():
    # At this realistic size the planner picks the GIN index on its own (no enable_seqscan=off).
    make_books()
    Book.objects.update(search_vector=book_search_vector())
    settle("catalog_book_search_gin")

    plan = selectors.book_list(q="quimera").explain()

    assert "catalog_book_search_gin" in plan, plan
    assert len(selectors.book_list(q="quimera")) == 5


@pytest.mark.django_db
def test_typo_tolerant_search_uses_the_trigram_indexes():
    make_books()
    # Distinct names, as real ones are (hex words stand in for the variety of surnames).
    Author.objects.bulk_create(
        [Author(name=f"{hashlib.sha1(str(i).encode()).hexdigest()[:9]} Silva", slug=f"autor-{i}") for i in range(3000)]
    )
    settle("catalog_book_title_trgm", "catalog_book_authors_trgm", "catalog_author_name_trgm")

    plan = selectors.book_fuzzy_queryset(q="quimeira").explain()
    assert "catalog_book_title_trgm" in plan and "catalog_book_authors_trgm" in plan, plan
    assert len(selectors.book_search_fuzzy(q="quimeira")) == 5

    author = hashlib.sha1(b"1234").hexdigest()[:9]
    author_plan = selectors.author_fuzzy_queryset(q=author[:8]).explain()
    assert "catalog_author_name_trgm" in author_plan, author_plan
    assert selectors.authors_matching(q=author[:8])[0].name == f"{author} Silva"  # closest first
