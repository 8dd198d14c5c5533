import hashlib

import pytest
from django.db import connection
from django.db.models import Q, Value

from catalog import selectors
from catalog.models import Author, Book
from catalog.search import Unaccent, book_search_vector


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


@pytest.mark.django_db
def test_typo_tolerant_search_uses_the_trigram_indexes():
    # Same realistic size; titles and names vary, so trigrams are selective.
    words = ["amor", "guerra", "mar", "noite", "casa", "tempo", "sombra", "vento"]
    Book.objects.bulk_create(
        [
            Book(
                title=f"{words[i % 8]} {words[(i // 8) % 8]} {i}" + (" quimera" if i % 1000 == 0 else ""),
                slug=f"trgm-{i}",
                author_names=f"Autora {i % 300} Sobrenome{i % 97}",
            )
            for i in range(5000)
        ],
        batch_size=1000,
    )
    # Distinct names, as real ones are (hex words stand in for the variety of surnames).
    Author.objects.bulk_create(
        [Author(name=f"{hashlib.sha1(str(i).encode()).hexdigest()[:9]} Silva", slug=f"autor-{i}") for i in range(3000)]
    )
    with connection.cursor() as cursor:
        for index in ("catalog_book_title_trgm", "catalog_book_authors_trgm", "catalog_author_name_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE catalog_book")
        cursor.execute("ANALYZE catalog_author")

    needle = Unaccent(Value("quimeira"))
    books = Book.objects.annotate(title_u=Unaccent("title"), authors_u=Unaccent("author_names")).filter(
        Q(title_u__trigram_word_similar=needle) | Q(authors_u__trigram_word_similar=needle)
    )
    plan = books.explain()
    assert "catalog_book_title_trgm" in plan and "catalog_book_authors_trgm" in plan, plan
    assert len(selectors.book_search_fuzzy(q="quimeira")) == 5

    author_plan = (
        Author.objects.annotate(name_u=Unaccent("name"))
        .filter(name_u__trigram_word_similar=Unaccent(Value(hashlib.sha1(b"1234").hexdigest()[:8])))
        .explain()
    )
    assert "catalog_author_name_trgm" in author_plan, author_plan
