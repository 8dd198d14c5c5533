from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.importer import goodbooks_import


class Command(BaseCommand):
    help = "Import (upsert) the goodbooks-10k catalog from a directory holding books.csv and book_genres.csv."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="directory with books.csv (required) and book_genres.csv")

    def handle(self, *args, path: Path, **options):
        if not (path / "books.csv").is_file():
            raise CommandError(f"{path / 'books.csv'} not found")
        result = goodbooks_import(directory=path, progress=options["verbosity"] > 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path} in {result.seconds:.1f}s: books {result.books_created} created, "
                f"{result.books_updated} updated, {result.books_unchanged} unchanged; "
                f"authors {result.authors_created} created; tags {result.tags_created} created; "
                f"categories {result.categories_created} created; "
                f"links {result.links_added} added, {result.links_removed} removed."
            )
        )
