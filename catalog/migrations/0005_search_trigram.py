"""Typo-tolerant search: pg_trgm, an immutable unaccent wrapper, GIN trigram indexes.

`unaccent()` is only STABLE (its dictionary could change), so an index cannot use it;
`cgb_unaccent(text)` pins the dictionary and is IMMUTABLE. The indexes serve the
`cgb_unaccent(col) %> cgb_unaccent(query)` word-similarity filters of
catalog.selectors.book_search_fuzzy / authors_matching. pg_trgm is a trusted extension
(PostgreSQL 13+): the database owner may create it. PostgreSQL only; SQLite searches
with difflib (catalog/search.py).
"""

from django.db import migrations

FUNCTION = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION cgb_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""
INDEXES = {
    "catalog_book_title_trgm": "catalog_book USING gin (cgb_unaccent(title) gin_trgm_ops)",
    "catalog_book_authors_trgm": "catalog_book USING gin (cgb_unaccent(author_names) gin_trgm_ops)",
    "catalog_author_name_trgm": "catalog_author USING gin (cgb_unaccent(name) gin_trgm_ops)",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        for name, target in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.execute("DROP FUNCTION IF EXISTS cgb_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_book_covers")]
    operations = [migrations.RunPython(forwards, backwards)]
