"""Carry DRF authtoken's plain tokens over as hashed ApiTokens, then drop the plain table.

A plain key cannot be recovered from a digest, but it can be hashed: every existing token
keeps working, now stored as its SHA-256 digest, named "Token anterior", and expires
API_TOKEN_DAYS after this migration. The old table (and every plain key in it) is dropped.
"""

import hashlib
from datetime import UTC, timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"


def _aware(value):
    """Raw SQL on SQLite gives a naive UTC time (or its text); PostgreSQL an aware one."""
    value = parse_datetime(value) if isinstance(value, str) else value
    return value if value is None or timezone.is_aware(value) else timezone.make_aware(value, UTC)


def hash_old_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("api", "ApiToken")
    expires_at = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")  # noqa: S608 (a constant)
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="Token anterior",
            prefix=key[:8],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created_at=_aware(created) or timezone.now(),
            expires_at=expires_at,
        )
        for key, user_id, created in rows
    )
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [migrations.RunPython(hash_old_tokens, migrations.RunPython.noop)]
