import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommendations import evaluation

DATA_DIR = settings.BASE_DIR.parent / "shared" / "data" / "goodbooks"


class Command(BaseCommand):
    help = "Offline leave-one-out evaluation of every candidate model and the served hybrid (reads files only)."

    def add_arguments(self, parser):
        parser.add_argument("--interactions", type=Path, default=DATA_DIR / "u3k_b3k_interactions.csv")
        parser.add_argument("--heldout", type=Path, default=DATA_DIR / "u3k_b3k_heldout.csv")
        parser.add_argument("--books", type=Path, help="goodbooks books.csv (book_genres.csv beside it is used too)")
        parser.add_argument("--k", type=int, default=10)
        parser.add_argument("--json", type=Path, dest="json_out", help="write the full report here")

    def handle(self, *args, interactions, heldout, books, k, json_out, **options):
        for path in (interactions, heldout, books):
            if path is not None and not path.is_file():
                raise CommandError(f"file not found: {path}")
        if k < 1:
            raise CommandError("--k must be at least 1")
        report = evaluation.compare_models(interactions, heldout, books, k=k, log=self.stdout.write)
        self.stdout.write(evaluation.markdown_table(report))
        if json_out:
            json_out.write_text(json.dumps(report, indent=2))
            self.stdout.write(f"report written to {json_out}")
