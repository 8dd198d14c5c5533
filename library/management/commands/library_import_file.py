"""Import a Goodreads/StoryGraph CSV for one reader, in this process, and report the speed."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from library import services
from library.formats import FileRejected


class Command(BaseCommand):
    help = "Import a library CSV for a user synchronously and print rows/s."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--file", required=True, type=Path)

    def handle(self, *args, user, file, **options):
        reader = get_user_model().objects.filter(username=user).first()
        if reader is None:
            raise CommandError(f"no user named {user!r}")
        started = time.perf_counter()
        try:
            # Stored without enqueuing, then run right here: the timing is the import's own.
            job = services.import_job_create(user=reader, file_name=file.name, data=file.read_bytes(), enqueue=False)
        except FileRejected as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:  # an import of this reader is already running
            raise CommandError(exc.messages[0]) from exc
        stored = time.perf_counter()
        job = services.import_job_run(job_id=job.pk)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"job {job.pk}: {job.total_rows} rows, {job.matched} matched, {job.unmatched} unmatched; "
            f"stored in {stored - started:.2f}s, total {elapsed:.2f}s, {job.total_rows / elapsed:.0f} rows/s"
        )
