"""Demo activity at any scale: readers, shelves, progress, reviews and debates.

Everything is generated in memory from one seeded `random.Random` and written with
`bulk_create` in batches; denormalised counters are computed while generating, so they
are exact without a query per row. Real goodbooks interactions, when given, become the
"read" shelves and star ratings of the readers they map to (goodbooks user k ↦ leitor k).
"""

import csv
import random
from bisect import bisect
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate, islice
from pathlib import Path
from time import monotonic

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Avg, Count, F
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from accounts.models import BookReview, BookShelf, Profile, ReadingProgress
from catalog.cache import flush_catalog
from catalog.models import Book, BookEdit
from catalog.services import book_pages_fill
from debates import ranking
from debates.cache import flush_topic_list
from debates.models import DebatePost, DebateTopic, DebateVote

from . import social_seeding, texts

DEMO_PASSWORD = "demo12345"
USERNAME_PREFIX = "leitor"
HISTORY_DAYS = 548  # about 18 months of activity
HALF_STEPS = [Decimal(n) / 2 for n in range(2, 11)]
# Synthetic ratings lean positive, as real ones do (goodbooks' mean is about 3.9).
RATING_WEIGHTS = [2, 1, 4, 3, 10, 10, 25, 20, 25]
Shelf = BookShelf.ShelfType
STATUS_WEIGHTS = {Shelf.READ: 50, Shelf.WANT_TO_READ: 30, Shelf.READING: 12, Shelf.ABANDONED: 8}
FAVORITE_SHARE = 0.1
REPLY_SHARE = 0.3
MAX_REPLY_DEPTH = 4
UPVOTE_SHARE = 0.8
TRIES = 10  # attempts to find a free (user, book) or (user, post) pair before giving up


class SeedingError(Exception):
    pass


@dataclass(frozen=True)
class SeedOptions:
    users: int = 40
    topics: int = 30
    posts: int = 300
    votes: int = 600
    shelves: int = 400
    reviews: int = 120
    follows: int = 0
    ratings: tuple[Path, ...] = ()
    seed: int = 42
    batch_size: int = 5000


@dataclass
class SeedReport:
    counts: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)
    skipped_users: int = 0


def demo_username(k: int) -> str:
    return f"{USERNAME_PREFIX}{k:05d}"


def read_interactions(path: Path, wanted_users: set[int]) -> Iterator[tuple[int, int, Decimal | None]]:
    """(goodbooks user, goodbooks book, rating or None) rows of one file, for wanted users only.

    Two formats: CSV `user_id,book_id,rating` with a header (explicit), or tab-separated
    `user_id<TAB>book_id` without a header (implicit: no rating).
    """
    with open(path, newline="", encoding="utf-8") as fh:
        first = fh.readline()
        fh.seek(0)
        try:
            if "\t" in first:
                for row in csv.reader(fh, delimiter="\t"):
                    if row and int(row[0]) in wanted_users:
                        yield int(row[0]), int(row[1]), None
                return
            reader = csv.DictReader(fh)
            if not {"user_id", "book_id", "rating"} <= set(reader.fieldnames or ()):
                raise SeedingError(f"{path}: expected a header user_id,book_id,rating")
            for row in reader:
                if int(row["user_id"]) in wanted_users:
                    yield int(row["user_id"]), int(row["book_id"]), _half_step(float(row["rating"]))
        except (ValueError, IndexError) as exc:
            raise SeedingError(f"{path}: unreadable row ({exc})") from exc


def _half_step(value: float) -> Decimal:
    return min(HALF_STEPS, key=lambda step: abs(float(step) - value))


@contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """bulk_create stamps auto_now(_add) fields with "now"; demo history needs past dates."""
    fields = [f for m in model_classes for f in m._meta.concrete_fields if getattr(f, "auto_now", False)]
    fields += [f for m in model_classes for f in m._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class _Weighted:
    """Fast repeated weighted picks (bisect over cumulative weights)."""

    def __init__(self, rng: random.Random, items: list, weights: Iterable[float]):
        self.rng, self.items = rng, items
        self.cum = list(accumulate(weights))

    def pick(self):
        return self.items[bisect(self.cum, self.rng.random() * self.cum[-1])]


class _Seeder:
    def __init__(self, options: SeedOptions, progress: bool):
        self.o = options
        self.progress = progress
        self.rng = random.Random(options.seed)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.tz = timezone.get_current_timezone()
        self.report = SeedReport()
        # Rows created by each phase, for the activities derived from them.
        self.made: dict[str, list] = {"shelves": [], "progress": [], "reviews": [], "topics": [], "posts": []}

    # --- helpers ------------------------------------------------------------------------
    def insert(self, objs: list[models.Model], name: str, **kwargs) -> None:
        """bulk_create in batches, with a progress bar; counts the rows under `name`."""
        started = monotonic()
        with tqdm(total=len(objs), desc=name, unit=" rows", disable=not self.progress, leave=False) as bar:
            it = iter(objs)
            while chunk := list(islice(it, self.o.batch_size)):
                type(chunk[0]).objects.bulk_create(chunk, **kwargs)
                bar.update(len(chunk))
        self.report.counts[name] += len(objs)
        self.report.seconds[name] += monotonic() - started

    def moment_on(self, day: date) -> datetime:
        moment = datetime.combine(day, time(), tzinfo=self.tz) + timedelta(seconds=self.rng.randrange(86400))
        return min(self.now, moment)

    def past(self, days: int = HISTORY_DAYS, after: datetime | None = None) -> datetime:
        """A moment in the last `days` days (and after `after`), weighted towards recent."""
        start = max(self.now - timedelta(days=days), after or self.now - timedelta(days=days))
        span = (self.now - start).total_seconds()
        return self.now - timedelta(seconds=span * self.rng.random() ** 1.5)

    # --- phases -------------------------------------------------------------------------
    def run(self) -> SeedReport:
        books = list(
            Book.objects.order_by(F("goodbooks_id").asc(nulls_last=True), "id").values_list(
                "id", "goodbooks_id", "pages", "title"
            )
        )
        if not books:
            raise SeedingError(
                "O catálogo está vazio: rode `manage.py import_goodbooks data/sample` primeiro. "
                "/ The catalog is empty: run `manage.py import_goodbooks` first."
            )
        self.book_ids = [b[0] for b in books]
        self.book_pages = {b[0]: b[2] for b in books}
        self.book_titles = {b[0]: b[3] for b in books}
        # goodbooks ids are numbered by popularity; a long tail keeps the rest alive.
        self.books = _Weighted(self.rng, self.book_ids, (1 / (i + 10) ** 0.8 for i in range(len(books))))
        by_goodbooks = {b[1]: b[0] for b in books if b[1] is not None}

        with (
            transaction.atomic(),
            _explicit_timestamps(
                get_user_model(), Profile, BookShelf, ReadingProgress, BookReview, DebateTopic, DebatePost, DebateVote
            ),
        ):
            users = self.create_users()
            if not users:
                return self.report
            self.users = _Weighted(self.rng, list(users.values()), (self.rng.paretovariate(1.2) for _ in users))
            real = self.real_interactions(users, by_goodbooks)
            read_days = self.create_shelves(real)
            self.create_reviews(real, read_days)
            self.create_debates()
            self.create_social()
            # Bulk writes send no signals: expire the cached lists and book pages (on commit).
            flush_catalog()
            flush_topic_list(*(topic.book_id for topic in self.made["topics"]))
        return self.report

    def create_users(self) -> dict[int, int]:
        """New demo users as {k: pk}; existing usernames are skipped with all their data."""
        User = get_user_model()
        existing = set(User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", flat=True))
        ks = [k for k in range(1, self.o.users + 1) if demo_username(k) not in existing]
        self.report.skipped_users = self.o.users - len(ks)
        if not ks:
            return {}
        password = make_password(DEMO_PASSWORD)  # hashed once: one hash per user takes minutes
        joined = {k: self.past(days=HISTORY_DAYS + 180) for k in ks}
        objs = [
            User(
                username=demo_username(k),
                email=f"{demo_username(k)}@exemplo.com.br",
                password=password,
                date_joined=joined[k],
            )
            for k in ks
        ]
        self.insert(objs, "users")
        # bulk_create sends no post_save, so the profile signal does not run.
        self.insert([Profile(user_id=u.pk, created_at=u.date_joined) for u in objs], "profiles", ignore_conflicts=True)
        return {k: u.pk for k, u in zip(ks, objs, strict=True)}

    def real_interactions(self, users: dict[int, int], by_goodbooks: dict[int, int]) -> dict:
        """{(user pk, book pk): rating or None} from the ratings files; a rating beats none."""
        real: dict[tuple[int, int], Decimal | None] = {}
        for path in self.o.ratings:
            for gb_user, gb_book, rating in read_interactions(path, set(users)):
                book = by_goodbooks.get(gb_book)
                if book is not None and real.get((users[gb_user], book)) is None:
                    real[(users[gb_user], book)] = rating
        return real

    def create_shelves(self, real: dict) -> dict[tuple[int, int], date]:
        """Status shelves (one per user and book), favorites and reading progress.

        Returns the finish day of every "read" pair, for the reviews.
        """
        rng = self.rng
        status: dict[tuple[int, int], str] = {pair: Shelf.READ for pair in real}
        # Real reads count towards --shelves, but a quarter stays synthetic so that
        # "Lendo", "Quero ler" and "Favoritos" are never empty.
        synthetic = max(self.o.shelves - len(status), self.o.shelves // 4)
        favorites = round(synthetic * FAVORITE_SHARE)
        kinds = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=synthetic - favorites)
        for kind in kinds:
            for _ in range(TRIES):
                pair = (self.users.pick(), self.books.pick())
                if pair not in status:
                    status[pair] = kind
                    break

        shelves, progress, read_days = [], [], {}
        for (user, book), kind in status.items():
            shelf = BookShelf(user_id=user, book_id=book, shelf_type=kind)
            if kind == Shelf.READ:
                finished = self.today - timedelta(days=rng.randrange(HISTORY_DAYS))
                shelf.started_at, shelf.finished_at = finished - timedelta(days=rng.randint(2, 60)), finished
                shelf.added_at = self.moment_on(finished)
                read_days[(user, book)] = finished
            elif kind == Shelf.WANT_TO_READ:
                shelf.added_at = self.past()
            else:
                shelf.started_at = self.today - timedelta(days=rng.randint(1, 120))
                shelf.added_at = self.moment_on(shelf.started_at)
                if kind == Shelf.READING:
                    progress.append(self.reading_progress(user, book, shelf.started_at, shelf.added_at))
            shelves.append(shelf)
        read_pairs = list(read_days)
        for user, book in rng.sample(read_pairs, min(favorites, len(read_pairs))):
            shelves.append(BookShelf(user_id=user, book_id=book, shelf_type=Shelf.FAVORITES, added_at=self.past()))
        self.insert(shelves, "shelves")
        self.insert(progress, "reading progress")
        # As on the site (accounts.services): a reader's total fills a book's empty page count.
        totals = {}
        for reading in progress:
            if not self.book_pages[reading.book_id]:
                totals.setdefault(reading.book_id, reading.total_pages)
        book_pages_fill(pages_by_book=totals, source=BookEdit.Source.READER)
        self.made.update(shelves=shelves, progress=progress)
        return read_days

    def reading_progress(self, user: int, book: int, started: date, at: datetime) -> ReadingProgress:
        rng = self.rng
        total = self.book_pages[book] or 150 + (book * 7919) % 451  # stable per book, 150–600
        total = max(total, 2)
        deadline = self.today + timedelta(days=rng.randint(-5, 45)) if rng.random() < 0.3 else None
        return ReadingProgress(
            user_id=user,
            book_id=book,
            current_page=rng.randint(1, total - 1),
            total_pages=total,
            started_at=started,
            deadline=deadline,
            updated_at=self.past(days=(self.today - started).days + 1, after=at),
        )

    def create_reviews(self, real: dict, read_days: dict[tuple[int, int], date]) -> None:
        rng = self.rng
        ratings = {pair: rating for pair, rating in real.items() if rating is not None}
        pool = [pair for pair in read_days if pair not in ratings]
        rng.shuffle(pool)
        wanted = max(0, self.o.reviews - len(ratings))
        for pair in pool[:wanted]:
            ratings[pair] = rng.choices(HALF_STEPS, weights=RATING_WEIGHTS)[0]
        for _ in range(wanted - min(wanted, len(pool))):
            for _ in range(TRIES):
                pair = (self.users.pick(), self.books.pick())
                if pair not in ratings:
                    ratings[pair] = rng.choices(HALF_STEPS, weights=RATING_WEIGHTS)[0]
                    break

        reviews = []
        for (user, book), rating in ratings.items():
            band = "high" if rating >= 4 else "mid" if rating >= Decimal("2.5") else "low"
            day = read_days.get((user, book))
            created = self.moment_on(day) if day else self.past()
            reviews.append(
                BookReview(
                    user_id=user,
                    book_id=book,
                    rating=rating,
                    title=rng.choice(texts.REVIEW_TITLES[band]),
                    text=" ".join(rng.sample(texts.REVIEW_SENTENCES[band], rng.randint(1, 3))),
                    contains_spoilers=rng.random() < 0.05,
                    would_recommend=rating >= Decimal("3.5"),
                    created_at=created,
                    updated_at=created,
                )
            )
        self.insert(reviews, "reviews")
        self.made["reviews"] = reviews
        self.refresh_book_ratings({r.book_id for r in reviews})

    def refresh_book_ratings(self, book_ids: set[int]) -> None:
        """Average and count from all reviews of the touched books (the review services' rule)."""
        ids = sorted(book_ids)
        for start in range(0, len(ids), self.o.batch_size):
            chunk = ids[start : start + self.o.batch_size]
            stats = (
                BookReview.objects.filter(book_id__in=chunk)
                .values("book_id")
                .annotate(n=Count("id"), avg=Avg("rating"))
            )
            books = [
                Book(
                    pk=s["book_id"],
                    ratings_count=s["n"],
                    average_rating=Decimal(str(s["avg"])).quantize(Decimal("0.01")),
                )
                for s in stats
            ]
            Book.objects.bulk_update(books, ["average_rating", "ratings_count"], batch_size=1000)

    def create_debates(self) -> None:
        if self.o.topics <= 0:
            return
        rng = self.rng
        popular = self.book_ids[: max(20, len(self.book_ids) // 20)]
        topic_books = _Weighted(rng, popular, (1 / (i + 5) for i in range(len(popular))))
        topics = []
        for _ in range(self.o.topics):
            book = topic_books.pick()
            created = self.past()
            title = rng.choice(texts.TOPIC_TITLES).format(title=self.book_titles[book][:120])
            topics.append(
                DebateTopic(
                    book_id=book,
                    title=title,
                    description=rng.choice(texts.TOPIC_DESCRIPTIONS),
                    creator_id=self.users.pick(),
                    created_at=created,
                )
            )
        for topic, slug in zip(topics, self.unique_slugs([t.title for t in topics]), strict=True):
            topic.slug = slug
        for topic in rng.sample(topics, max(1, len(topics) // 50)):
            topic.is_pinned = True
        for topic in rng.sample(topics, min(len(topics), 1 if len(topics) < 50 else 2)):
            topic.is_locked = True

        posts = self.build_posts(topics)
        self.build_votes(posts)
        self.insert(topics, "topics")
        # Parents before their replies: one pass per thread depth.
        for depth in range(MAX_REPLY_DEPTH + 1):
            self.insert([p for p, d in posts if d == depth], "posts")
        self.insert(self.votes, "votes")
        self.made.update(topics=topics, posts=[post for post, _depth in posts])

    def create_social(self) -> None:
        """The follow graph (`--follows`) and the activities of everything seeded above."""
        if self.o.follows > 0:
            follows, settings = social_seeding.build_follows(
                self.rng, self.users.items, self.users.pick, self.o.follows
            )
            self.insert(settings, "social settings", ignore_conflicts=True)
            self.insert(follows, "follows")
        self.insert(social_seeding.build_activities(**self.made), "activities")

    def unique_slugs(self, titles: list[str]) -> list[str]:
        taken: set[str] = set()
        slugs = []
        for title in titles:
            base = slugify(title)[:200] or "debate"
            slug, n = base, 1
            while slug in taken:
                n += 1
                slug = f"{base}-{n}"
            taken.add(slug)
            slugs.append(slug)
        clash = set(DebateTopic.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        if clash:  # earlier runs own these: give ours a fresh numeric tail
            tail = (DebateTopic.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            slugs = [f"{s[:200]}-d{tail + i}" if s in clash else s for i, s in enumerate(slugs)]
        return slugs

    def build_posts(self, topics: list[DebateTopic]) -> list[tuple[DebatePost, int]]:
        """(post, thread depth) pairs; sets each topic's posts_count and last_activity_at."""
        rng = self.rng
        per_topic = [0] * len(topics)
        for i in range(min(self.o.posts, len(topics))):
            per_topic[i] = 1
        lively = _Weighted(rng, list(range(len(topics))), (rng.paretovariate(1.0) for _ in topics))
        for _ in range(max(0, self.o.posts - len(topics))):
            per_topic[lively.pick()] += 1

        posts = []
        for topic, count in zip(topics, per_topic, strict=True):
            span = (self.now - topic.created_at).total_seconds()
            times = sorted(topic.created_at + timedelta(seconds=span * rng.random() ** 2) for _ in range(count))
            thread: list[tuple[DebatePost, int]] = []
            for i, created in enumerate(times):
                parent, depth = None, 0
                if i and rng.random() < REPLY_SHARE:
                    parent, parent_depth = rng.choice(thread)
                    if parent_depth >= MAX_REPLY_DEPTH:
                        parent, parent_depth = parent.parent, parent_depth - 1
                    depth = parent_depth + 1
                post = DebatePost(
                    topic=topic,
                    parent=parent,
                    # DebatePost.save() sets the thread root; bulk_create does not call it.
                    root=(parent.root or parent) if parent else None,
                    author_id=topic.creator_id if i == 0 else self.users.pick(),
                    content=self.post_text(reply=parent is not None),
                    created_at=created,
                    depth=depth,
                )
                thread.append((post, depth))
            posts.extend(thread)
            topic.posts_count = count
            # Readers open a debate more often than they write in it.
            topic.views_count = count * rng.randint(3, 12) + rng.randint(0, 40)
            topic.last_activity_at = times[-1] if times else topic.created_at
            topic.updated_at = topic.last_activity_at
        return posts

    def post_text(self, *, reply: bool) -> str:
        rng = self.rng
        text = f"{rng.choice(texts.POST_OPENINGS)} {rng.choice(texts.POST_BODIES)}.{rng.choice(texts.POST_CLOSINGS)}"
        return f"{rng.choice(texts.REPLY_OPENINGS)} {text[0].lower()}{text[1:]}" if reply else text

    def build_votes(self, posts: list[tuple[DebatePost, int]]) -> None:
        """Votes (one per user and post, never on one's own post); sets each post's counters
        (score, up, down, Wilson) as vote_toggle keeps them, so later toggles stay exact."""
        rng = self.rng
        self.votes = []
        if not posts:
            return
        for post, _depth in posts:
            post.votes_score = post.upvotes = post.downvotes = 0
        targets = _Weighted(rng, list(range(len(posts))), (rng.paretovariate(1.0) for _ in posts))
        seen: set[tuple[int, int]] = set()
        for _ in range(self.o.votes):
            for _ in range(TRIES):
                index, user = targets.pick(), self.users.pick()
                post = posts[index][0]
                if user != post.author_id and (user, index) not in seen:
                    seen.add((user, index))
                    value = 1 if rng.random() < UPVOTE_SHARE else -1
                    post.votes_score += value
                    if value > 0:
                        post.upvotes += 1
                    else:
                        post.downvotes += 1
                    self.votes.append(
                        DebateVote(user_id=user, post=post, value=value, created_at=self.past(after=post.created_at))
                    )
                    break
        for post, _depth in posts:
            post.wilson_score = ranking.wilson_lower_bound(post.upvotes, post.downvotes)


def demo_seed(*, options: SeedOptions, progress: bool = False) -> SeedReport:
    """Create demo readers and their activity; raises SeedingError on an empty catalog."""
    return _Seeder(options, progress).run()
