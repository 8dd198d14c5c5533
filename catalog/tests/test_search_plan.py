import pytest
from django.db import connection

from catalog import selectors
from catalog.models import Book
from catalog.search import book_search_vector


@pytest.mark.django_db
def test_full_text_search_uses_the_gin_index():
    # 5,000 rows and a word found in a handful of them: at this realistic size the planner
    # picks the GIN index on its own (no enable_seqscan=off) once the index's pending list
    # is merged (autovacuum does it in production) and the table is analysed.
    words = ["amor", "guerra", "mar", "noite", "casa", "tempo", "sombra", "vento"]
    Book.objects.bulk_create(
        [
            Book(
                title=f"{words[i % 8]} {words[(i // 8) % 8]} {i}" + (" quimera" if i % 1000 == 0 else ""),
                slug=f"plano-{i}",
                author_names=f"Autora {i % 300}",
            )
            for i in range(5000)
        ],
        batch_size=1000,
    )
    Book.objects.update(search_vector=book_search_vector())
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('catalog_book_search_gin')")
        cursor.execute("ANALYZE catalog_book")

    plan = selectors.book_list(q="quimera").explain()

    assert "catalog_book_search_gin" in plan, plan
    assert len(selectors.book_list(q="quimera")) == 5
