"""In-process steps of the import-wave benchmark: `python -m bench.import_probe <command> …`.

Run by bench/imports.py with DJANGO_SETTINGS_MODULE=bench.settings and the bench environment.
- `prepare <out.json> <readers> <rows> <dir>`: the wave's readers (`bench-importer-NNN`, made
  once), their library emptied, a logged-in session each, and one Goodreads file each written
  by `library_sample_file` (a different seed per reader, so each reads different books).
- `cleanup <readers>`: empty those readers' libraries again and recount the rating aggregates,
  so the bench database is left as it was seeded (`make bench` reuses it).
"""

import json
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.cached_db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from accounts import services as accounts_services  # noqa: E402
from accounts.models import BookReview, BookShelf, ReadingProgress, ReviewHelpfulVote  # noqa: E402
from library.models import ImportJob, ImportRow  # noqa: E402

PREFIX = "bench-importer-"


def readers(count: int) -> list:
    users = []
    for number in range(1, count + 1):
        user, created = get_user_model().objects.get_or_create(username=f"{PREFIX}{number:03d}")
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users


def empty_libraries(user_ids: list[int]) -> None:
    """Plain DELETEs: the ORM's cascade would load every row to send post_delete."""
    tables = [
        (ImportRow, "job_id IN (SELECT id FROM {jobs} WHERE user_id = ANY(%s))"),
        (ImportJob, "user_id = ANY(%s)"),
        (ReviewHelpfulVote, "review_id IN (SELECT id FROM {reviews} WHERE user_id = ANY(%s))"),
        (BookReview, "user_id = ANY(%s)"),
        (ReadingProgress, "user_id = ANY(%s)"),
        (BookShelf, "user_id = ANY(%s)"),
    ]
    names = {"jobs": ImportJob._meta.db_table, "reviews": BookReview._meta.db_table}
    with transaction.atomic(), connection.cursor() as cursor:
        for model, where in tables:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where.format(**names)}", [user_ids])
    accounts_services.book_ratings_reconcile()


def prepare(out: Path, count: int, rows: int, folder: Path) -> None:
    users = readers(count)
    empty_libraries([user.pk for user in users])
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, user in enumerate(users, start=1):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        path = folder / f"goodreads-{number:03d}.csv"
        call_command("library_sample_file", rows=rows, out=path, seed=number, stdout=open(os.devnull, "w"))  # noqa: SIM115
        entries.append(
            {
                "user_id": user.pk,
                "username": user.username,
                "sessionid": store.session_key,
                "csrftoken": get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS),
                "file": str(path),
            }
        )
    out.write_text(json.dumps(entries))
    print(f"prepared {count} readers with {rows}-row files", file=sys.stderr)


def cleanup(count: int) -> None:
    ids = list(get_user_model().objects.filter(username__startswith=PREFIX).values_list("pk", flat=True)[:count])
    empty_libraries(ids)
    print(f"emptied {len(ids)} importers' libraries", file=sys.stderr)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "prepare":
        prepare(Path(args[0]), int(args[1]), int(args[2]), Path(args[3]))
    elif command == "cleanup":
        cleanup(int(args[0]))
    else:
        raise SystemExit(f"unknown command {command!r}")
