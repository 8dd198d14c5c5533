from pathlib import Path
from time import monotonic

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seeding import DEMO_PASSWORD, SeedingError, SeedOptions, demo_seed

DEFAULTS = SeedOptions()
SAMPLE_RATINGS = Path(settings.BASE_DIR) / "data" / "sample" / "ratings.csv"


class Command(BaseCommand):
    help = (
        "Create demo readers (leitor00001…) with shelves, reading progress, reviews and debates. "
        "Users that already exist are skipped with their data, so re-running adds nothing."
    )

    def add_arguments(self, parser):
        for name, help_text in [
            ("users", "demo readers leitor00001…leitorN"),
            ("topics", "debate topics"),
            ("posts", "debate posts (about 30%% are replies)"),
            ("votes", "votes on posts"),
            ("shelves", "shelf rows, real 'read' rows included"),
            ("reviews", "reviews, real ratings included"),
            ("follows", "follows between demo readers (popular readers followed most, a third followed back)"),
        ]:
            parser.add_argument(f"--{name}", type=int, default=getattr(DEFAULTS, name), help=help_text)
        parser.add_argument(
            "--ratings",
            action="append",
            type=Path,
            help="goodbooks interactions: CSV user_id,book_id,rating with header, or TSV user_id<TAB>book_id "
            f"without header (implicit). Repeatable. Default: {SAMPLE_RATINGS} if present.",
        )
        parser.add_argument("--seed", type=int, default=DEFAULTS.seed)
        parser.add_argument("--batch-size", type=int, default=DEFAULTS.batch_size)

    def handle(self, *args, **o):
        ratings = o["ratings"] if o["ratings"] is not None else [p for p in [SAMPLE_RATINGS] if p.exists()]
        for path in ratings:
            if not path.is_file():
                raise CommandError(f"Arquivo não encontrado / file not found: {path}")
        if (
            min(o["users"], o["topics"], o["posts"], o["votes"], o["shelves"], o["reviews"], o["follows"]) < 0
            or o["batch_size"] < 1
        ):
            raise CommandError("Use números não negativos (e --batch-size ≥ 1).")
        options = SeedOptions(
            users=o["users"],
            topics=o["topics"],
            posts=o["posts"],
            votes=o["votes"],
            shelves=o["shelves"],
            reviews=o["reviews"],
            follows=o["follows"],
            ratings=tuple(ratings),
            seed=o["seed"],
            batch_size=o["batch_size"],
        )
        started = monotonic()
        try:
            report = demo_seed(options=options, progress=o["verbosity"] >= 1)
        except SeedingError as exc:
            raise CommandError(str(exc)) from exc
        if report.skipped_users:
            self.stdout.write(f"{report.skipped_users} leitores já existiam: foram mantidos como estavam.")
        if not report.counts:
            self.stdout.write("Nada a criar.")
            return
        for name, count in report.counts.items():
            self.stdout.write(f"  {name}: {count} ({report.seconds[name]:.1f}s gravando)")
        self.stdout.write(f"Tempo total: {monotonic() - started:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Pronto. Senha de todos os leitores de demonstração: {DEMO_PASSWORD}"))
