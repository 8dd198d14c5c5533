"""Accent-insensitive catalog search: the `cgb_unaccent` text search configuration.

Creating the `unaccent` extension needs a role allowed to (it is a trusted extension
since PostgreSQL 13, so the database owner is enough). Every book's vector is rebuilt.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'cgb_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION cgb_unaccent (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION cgb_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    END IF;
END $$;
"""
REBUILD = (
    "UPDATE catalog_book SET search_vector = "
    "to_tsvector('{config}'::regconfig, COALESCE(title, '') || ' ' || COALESCE(author_names, ''))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute(REBUILD.format(config="cgb_unaccent"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REBUILD.format(config="simple"))
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS cgb_unaccent")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_book_search_gin")]
    operations = [migrations.RunPython(forwards, backwards)]
