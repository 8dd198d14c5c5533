from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.sample import catalog_sample_make


class Command(BaseCommand):
    help = "Regenerate the bundled catalog sample (most-rated books, their genres and real ratings)."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=Path("../shared/data/goodbooks"))
        parser.add_argument("--out", type=Path, default=Path("data/sample"))
        parser.add_argument("--books", type=int, default=500)
        parser.add_argument("--max-ratings", type=int, default=30000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, source, out, books, max_ratings, seed, **options):
        if not (source / "books.csv").is_file() or not (source / "book_genres.csv").is_file():
            raise CommandError(f"{source} must hold books.csv and book_genres.csv")
        result = catalog_sample_make(source=source, out=out, books=books, max_ratings=max_ratings, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {out}: {result.books} books, {result.genres} genre rows, {result.ratings} ratings."
            )
        )
