from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from catalog import selectors, services


class Command(BaseCommand):
    help = (
        "Fetch the covers still missing (new books, failed ones due a retry) in batches, "
        "with a progress bar. Runs in this process; the periodic task does one batch."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=0, help="stop after this many books (0: all)")
        parser.add_argument("--batch", type=int, default=settings.COVERS_BATCH_SIZE, help="books per batch")
        parser.add_argument("--force", action="store_true", help="run even when COVERS_FETCH is off")

    def handle(self, *args, limit: int, batch: int, force: bool, **options):
        if not (settings.COVERS_FETCH or force):
            self.stdout.write(
                "COVERS_FETCH is off (the embedded default has no network): nothing fetched. --force runs anyway."
            )
            return
        outcomes, done, seen = Counter(), 0, set()
        with tqdm(total=limit or None, unit="livro", desc="capas", disable=options["verbosity"] == 0) as bar:
            while not limit or done < limit:
                size = min(batch, limit - done) if limit else batch
                # A failed book is not due again within this run, so batches never repeat a book.
                ids = [book_id for book_id in selectors.books_missing_cover(limit=size) if book_id not in seen]
                if not ids:
                    break
                for book_id in ids:
                    outcomes[services.book_cover_fetch(book_id=book_id)] += 1
                    bar.update(1)
                seen.update(ids)
                done += len(ids)
        summary = ", ".join(f"{status} {count}" for status, count in sorted(outcomes.items())) or "nothing to fetch"
        self.stdout.write(self.style.SUCCESS(f"Covers: {done} books tried ({summary})."))
