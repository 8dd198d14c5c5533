"""Build the bundled catalog sample (data/sample/) from the goodbooks-10k files.

The sample is the `books` most-rated books (by goodbooks' ratings_count), their
book_genres.csv rows, and the real explicit ratings of those books found in the
ratings files, capped at `max_ratings`. The cap is filled evenly across books (a seeded
shuffle within each book, then round-robin), so the 27 top books that the 399-book file
covers in full do not crowd out the rest, and reruns give the same files.
"""

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

# Files with explicit `user_id,book_id,rating` rows (the u3k_b3k files carry no rating).
RATING_FILES = ("ratings_399books_allusers.csv", "ratings_random100k.csv")


@dataclass
class SampleResult:
    books: int
    genres: int
    ratings: int


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fieldnames: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def catalog_sample_make(*, source: Path, out: Path, books: int, max_ratings: int, seed: int = 1) -> SampleResult:
    out.mkdir(parents=True, exist_ok=True)
    book_fields, book_rows = _read(source / "books.csv")
    top = sorted(book_rows, key=lambda row: (-int(row["ratings_count"]), int(row["book_id"])))[:books]
    ids = {row["book_id"] for row in top}
    _write(out / "books.csv", book_fields, [row for row in book_rows if row["book_id"] in ids])

    genre_fields, genre_rows = _read(source / "book_genres.csv")
    genre_rows = [row for row in genre_rows if row["book_id"] in ids]
    _write(out / "book_genres.csv", genre_fields, genre_rows)

    ratings = {}
    for name in RATING_FILES:
        if (source / name).is_file():
            for row in _read(source / name)[1]:
                if row["book_id"] in ids:
                    # The files agree where they overlap; a (user, book) pair is kept once.
                    ratings[(int(row["user_id"]), int(row["book_id"]))] = int(row["rating"])
    rng, by_book = random.Random(seed), defaultdict(list)
    for user, book in sorted(ratings):
        by_book[book].append(user)
    ranked = []
    for book, users in sorted(by_book.items()):
        rng.shuffle(users)
        ranked.extend((rank, book, user) for rank, user in enumerate(users))
    pairs = sorted((user, book) for _rank, book, user in sorted(ranked)[:max_ratings])
    _write(
        out / "ratings.csv",
        ["user_id", "book_id", "rating"],
        [{"user_id": user, "book_id": book, "rating": ratings[user, book]} for user, book in pairs],
    )
    return SampleResult(books=len(ids), genres=len(genre_rows), ratings=len(pairs))
