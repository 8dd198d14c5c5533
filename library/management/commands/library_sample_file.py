"""Write a Goodreads-layout CSV of catalog books, for benchmarks and manual tests."""

import csv
import random
from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.models import Book
from library.formats import GOODREADS_COLUMNS

SHELVES = ["read", "read", "read", "to-read", "to-read", "currently-reading", "did-not-finish"]


def _day(rng: random.Random, year: int) -> str:
    return f"{year}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}"


class Command(BaseCommand):
    help = "Write a Goodreads CSV of N catalog books (some matched by ISBN, some by title, a few unknown)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=2000)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, rows, out, seed, **options):
        rng = random.Random(seed)
        books = list(Book.objects.order_by("id").values("goodreads_id", "title", "author_names", "isbn", "isbn13"))
        picked = rng.sample(books, min(rows, len(books)))
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, GOODREADS_COLUMNS, restval="")
            writer.writeheader()
            for index, book in enumerate(picked):
                shelf = rng.choice(SHELVES)
                by_title = index % 5 == 0  # a fifth without ids: matched by title + author
                unknown = index % 50 == 0  # 2 %: nothing in the catalog
                writer.writerow(
                    {
                        "Book Id": "" if by_title or unknown else book["goodreads_id"] or "",
                        "Title": f"Desconhecido {index}" if unknown else book["title"],
                        "Author": book["author_names"].split(",")[0],
                        "ISBN": '=""' if by_title or unknown else f'="{book["isbn"]}"',
                        "ISBN13": '=""' if by_title or unknown else f'="{book["isbn13"]}"',
                        "My Rating": rng.choice([0, 3, 4, 5]) if shelf == "read" else 0,
                        "Date Read": _day(rng, 2024) if shelf == "read" else "",
                        "Date Added": _day(rng, 2023),
                        "Bookshelves": ", ".join([shelf] + (["favorites"] if index % 7 == 0 else [])),
                        "Exclusive Shelf": shelf,
                        "My Review": "Gostei, recomendo." if index % 4 == 0 else "",
                    }
                )
        self.stdout.write(f"wrote {len(picked)} rows to {out}")
