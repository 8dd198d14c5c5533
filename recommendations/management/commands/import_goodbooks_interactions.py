"""Load goodbooks interactions as demo readers' shelves (and reviews, where a rating is given).

Readers are "leitor%05d" (goodbooks user id), created when missing with one precomputed
password hash; books are matched by catalog.Book.goodbooks_id. Bulk inserts that skip what
exists, so running it twice changes nothing. Train afterwards: `manage.py train_recommendations`.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import BookReview, BookShelf, Profile
from accounts.services import book_rating_refresh
from catalog.models import Book
from core.privacy import Visibility

DATA_DIR = settings.BASE_DIR.parent / "shared" / "data" / "goodbooks"
BATCH = 5000


def read_rows(path: Path):
    """(user, book, rating or None): tab-separated pairs, or a CSV with a user_id,book_id,rating header."""
    with path.open(newline="", encoding="utf-8") as handle:
        first = handle.readline()
        handle.seek(0)
        if "\t" in first:
            for line in handle:
                user, book = line.split("\t")[:2]
                yield int(user), int(book), None
        else:
            for row in csv.DictReader(handle):
                yield int(row["user_id"]), int(row["book_id"]), Decimal(row["rating"]) if row.get("rating") else None


class Command(BaseCommand):
    help = "Import goodbooks interactions as shelves/reviews of demo readers (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--interactions", type=Path, default=DATA_DIR / "u3k_b3k_interactions.csv")
        parser.add_argument("--password", default="demo12345", help="password of created readers (the demo password)")

    @transaction.atomic
    def handle(self, *args, interactions, password, **options):
        if not interactions.is_file():
            raise CommandError(f"file not found: {interactions}")
        books = dict(Book.objects.filter(goodbooks_id__isnull=False).values_list("goodbooks_id", "id"))
        rows = [(u, books[b], r) for u, b, r in read_rows(interactions) if b in books]
        User = get_user_model()
        names = {u: f"leitor{u:05d}" for u in {u for u, _b, _r in rows}}
        existing = set(User.objects.filter(username__in=names.values()).values_list("username", flat=True))
        hashed = make_password(password)  # one hash for every new reader: hashing is the slow part
        User.objects.bulk_create(
            [User(username=n, email=f"{n}@example.com", password=hashed) for n in names.values() if n not in existing],
            batch_size=BATCH,
        )
        users = dict(User.objects.filter(username__in=names.values()).values_list("username", "id"))
        Profile.objects.bulk_create(
            [Profile(user_id=i) for i in users.values()], batch_size=BATCH, ignore_conflicts=True
        )
        read = BookShelf.ShelfType.READ
        shelves = BookShelf.objects.bulk_create(
            [BookShelf(user_id=users[names[u]], book_id=b, shelf_type=read) for u, b, _r in rows],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        reviews = [
            BookReview(user_id=users[names[u]], book_id=b, rating=r, visibility=Visibility.PRIVATE)
            for u, b, r in rows
            if r is not None
        ]
        BookReview.objects.bulk_create(reviews, batch_size=BATCH, ignore_conflicts=True)
        for book_id in {r.book_id for r in reviews}:
            book_rating_refresh(book_id=book_id)
        self.stdout.write(
            f"{len(rows)} interactions on known books; {len(names) - len(existing)} readers created, "
            f"{len(shelves)} shelf rows and {len(reviews)} ratings offered (existing ones kept)"
        )
