"""Training and storing recommendations (full run) and refreshing one reader's list.

The full run reads every interaction, fits the served hybrid (recommendations.algorithms),
stores each book's top neighbours and every active reader's top list, plus cold-start
lists (popular overall and per category). A reader's later shelf or review change only
recomputes their list from their current books × the stored neighbours.
"""

import logging
import resource
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import BookReview, BookShelf, Profile
from accounts.services import shelf_add
from catalog.models import Book, Category
from recommendations import algorithms
from recommendations import cache as recs_cache
from recommendations.models import ItemNeighbors, ModelRun, UserRecommendations

logger = logging.getLogger(__name__)

LIST_SIZE = 10
POPULAR_SIZE = 50
BATCH = 1000
# Chosen on a validation split of the goodbooks interactions (docs/recommendations.md).
SERVED_PARAMS = algorithms.HybridParams(lam=100.0, content_weight=0.02, popularity_beta=0.2)
# Reviews at or above this rating count as a positive interaction.
POSITIVE_RATING = 3
RECENT_DAYS = 30
# An interaction in the last RECENT_DAYS counts this much more for "popular" lists.
RECENT_WEIGHT = 3.0
# Content features of a book: (relation, feature field on its through table, weight of one
# shared feature in content_neighbors — the same author says more than a shared tag).
FEATURE_RELATIONS = (("authors", "author", 3.0), ("tags", "tag", 1.0), ("categories", "category", 1.0))
CONTENT_CANDIDATES = 100


def _positive_shelves():
    return BookShelf.objects.exclude(shelf_type=BookShelf.ShelfType.ABANDONED)


def _positive_reviews():
    return BookReview.objects.filter(rating__gte=POSITIVE_RATING)


def interaction_pairs() -> np.ndarray:
    """(user id, book id) of every positive interaction: shelves but abandoned, good reviews."""
    shelves = _positive_shelves().values_list("user_id", "book_id")
    reviews = _positive_reviews().values_list("user_id", "book_id")
    pairs = np.array(list(shelves.union(reviews).iterator(chunk_size=20000)), dtype=np.int64)
    return pairs.reshape(-1, 2)


def seen_pairs() -> np.ndarray:
    """(user id, book id) of everything a reader must never be recommended: any shelf, any review."""
    shelves = BookShelf.objects.values_list("user_id", "book_id")
    reviews = BookReview.objects.values_list("user_id", "book_id")
    pairs = np.array(list(shelves.union(reviews).iterator(chunk_size=20000)), dtype=np.int64)
    return pairs.reshape(-1, 2)


def book_features(book_ids: np.ndarray) -> dict[int, list[str]]:
    """Content features per book: authors, tags and categories."""
    features: dict[int, list[str]] = defaultdict(list)
    for relation, prefix, _weight in FEATURE_RELATIONS:
        through, column = _feature_through(relation, prefix)
        for book_id, other_id in through.objects.values_list("book_id", column).iterator(chunk_size=20000):
            features[book_id].append(f"{prefix}:{other_id}")
    return features


def popular_lists(pairs_recent: np.ndarray, pairs: np.ndarray) -> dict[str, list[int]]:
    """Most popular books overall and per category, recent interactions weighing more."""
    weights: dict[int, float] = defaultdict(float)
    for book_id in pairs[:, 1]:
        weights[int(book_id)] += 1.0
    for book_id in pairs_recent[:, 1]:
        weights[int(book_id)] += RECENT_WEIGHT
    # Catalog popularity breaks ties (and fills a site with few readers yet).
    catalog = dict(Book.objects.values_list("id", "ratings_count"))
    ranked = sorted(catalog, key=lambda b: (-weights.get(b, 0.0), -catalog[b], b))
    lists: dict[str, list[int]] = {"all": ranked[:POPULAR_SIZE]}
    position = {book_id: i for i, book_id in enumerate(ranked)}
    by_category: dict[int, list[int]] = defaultdict(list)
    for book_id, category_id in Book.categories.through.objects.values_list("book_id", "category_id"):
        by_category[category_id].append(book_id)
    for category_id, books in by_category.items():
        lists[str(category_id)] = sorted(books, key=position.__getitem__)[:POPULAR_SIZE]
    return lists


def latest_run() -> ModelRun | None:
    return ModelRun.objects.filter(status=ModelRun.Status.SUCCESS).order_by("-finished_at").first()


def _cold_start_items(
    *, user_id: int, exclude: set[int], count: int, popular: dict[str, list[int]] | None, favorites: list | None = None
) -> list[dict]:
    """Popular picks in the reader's favourite categories, then popular overall."""
    if favorites is None:
        favorites = list(
            Profile.favorite_categories.through.objects.filter(profile__user_id=user_id)
            .order_by("category__name")
            .values_list("category_id", "category__name")
        )
    if popular is None:  # never trained: the catalog's own popularity
        catalog = Book.objects.order_by("-ratings_count", "id").values_list("id", flat=True)
        popular = {"all": list(catalog[:POPULAR_SIZE])}
        for category_id, _name in favorites:
            popular[str(category_id)] = list(catalog.filter(categories=category_id)[:POPULAR_SIZE])
    items: list[dict] = []
    taken = set(exclude)
    sources = [(popular.get(str(category_id), []), {"category": name}) for category_id, name in favorites]
    # Round-robin over the favourite categories so one does not fill the whole list.
    for rank in range(POPULAR_SIZE):
        for books, reason in sources:
            if len(items) < count and rank < len(books) and books[rank] not in taken:
                taken.add(books[rank])
                items.append({"book_id": books[rank], "score": 0.0, "reason": reason})
    for book_id in popular.get("all", []):
        if len(items) >= count:
            break
        if book_id not in taken:
            taken.add(book_id)
            items.append({"book_id": book_id, "score": 0.0, "reason": {"popular": True}})
    return items


def _upsert_lists(rows: list[UserRecommendations]) -> None:
    UserRecommendations.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["items", "model_version", "computed_at"],
    )


def content_neighbors(*, book_ids: set[int], exclude: set[int], limit: int) -> list[dict]:
    """The books sharing most authors, categories and tags with `book_ids` (weighted), each
    with the one of `book_ids` it is closest to as its reason. Two queries per relation."""
    scores: dict[int, float] = defaultdict(float)
    liked_by_feature: dict[tuple[str, int], set[int]] = defaultdict(set)
    for relation, prefix, weight in FEATURE_RELATIONS:
        through, column = _feature_through(relation, prefix)
        rows = through.objects.filter(book_id__in=book_ids).values_list("book_id", column)
        for book_id, feature in rows:
            liked_by_feature[(relation, feature)].add(book_id)
        features = {feature for (rel, feature) in liked_by_feature if rel == relation}
        shared = (
            through.objects.filter(**{f"{column}__in": features})
            .exclude(book_id__in=exclude | book_ids)
            .values("book_id")
            .annotate(n=Count("id"))
            .order_by("-n", "book_id")[:CONTENT_CANDIDATES]
        )
        for row in shared:
            scores[row["book_id"]] += weight * row["n"]
    best = sorted(scores, key=lambda b: (-scores[b], b))[:limit]
    closeness: dict[int, dict[int, float]] = {b: defaultdict(float) for b in best}
    for relation, prefix, weight in FEATURE_RELATIONS:
        through, column = _feature_through(relation, prefix)
        for book_id, feature in through.objects.filter(book_id__in=best).values_list("book_id", column):
            for liked in liked_by_feature.get((relation, feature), ()):
                closeness[book_id][liked] += weight
    return [
        {
            "book_id": b,
            "score": round(scores[b], 6),
            "reason": {"book_id": max(closeness[b], key=lambda liked: (closeness[b][liked], -liked)), "content": True},
        }
        for b in best
        if closeness[b]
    ]


def _feature_through(relation: str, prefix: str):
    through = getattr(Book, relation).through
    return through, through._meta.get_field(prefix).attname


@transaction.atomic
def user_recommendations_update(*, user_id: int) -> UserRecommendations | None:
    """Recompute one reader's list from their books × the stored neighbours (milliseconds)."""
    if not get_user_model().objects.filter(pk=user_id).exists():
        return None  # the reader was deleted since the task was queued
    positive = set(_positive_shelves().filter(user_id=user_id).values_list("book_id", flat=True))
    positive |= set(_positive_reviews().filter(user_id=user_id).values_list("book_id", flat=True))
    seen = set(
        BookShelf.objects.filter(user_id=user_id)
        .values_list("book_id", flat=True)
        .union(BookReview.objects.filter(user_id=user_id).values_list("book_id", flat=True))
    )
    scores: dict[int, float] = defaultdict(float)
    because: dict[int, tuple[float, int]] = {}
    for book_id, neighbors, weights in ItemNeighbors.objects.filter(book_id__in=positive).values_list(
        "book_id", "neighbors", "scores"
    ):
        for neighbor, weight in zip(neighbors, weights, strict=True):
            if neighbor in seen:
                continue
            scores[neighbor] += weight
            if weight > because.get(neighbor, (-1.0, 0))[0]:
                because[neighbor] = (weight, book_id)
    best = sorted(scores, key=lambda b: (-scores[b], b))[:LIST_SIZE]
    items = [{"book_id": b, "score": round(scores[b], 6), "reason": {"book_id": because[b][1]}} for b in best]
    # Books the stored model knows nothing of (a site not trained yet, new books, a reader
    # who just picked favourites) still get neighbours: the books most like them.
    unknown = positive - set(ItemNeighbors.objects.filter(book_id__in=positive).values_list("book_id", flat=True))
    if unknown and len(items) < LIST_SIZE:
        items += content_neighbors(book_ids=unknown, exclude=seen | set(best), limit=LIST_SIZE - len(items))
    run = latest_run()
    if len(items) < LIST_SIZE:
        items += _cold_start_items(
            user_id=user_id,
            exclude=seen | {item["book_id"] for item in items},
            count=LIST_SIZE - len(items),
            popular=run.popular if run else None,
        )
    row, _created = UserRecommendations.objects.update_or_create(
        user_id=user_id, defaults={"items": items, "model_version": run.pk if run else 0}
    )
    recs_cache.flush_user(user_id=user_id)
    return row


@transaction.atomic
def reader_onboard(*, user, categories: list[Category], books: list[Book]) -> UserRecommendations | None:
    """A new reader's picks: genres become favourite categories, liked books go to Favoritos,
    and their list is recomputed now, so the next page already shows it."""
    profile = Profile.objects.get(user=user)
    profile.favorite_categories.add(*categories)
    for book in books:
        shelf_add(user=user, book=book, shelf_type=BookShelf.ShelfType.FAVORITES)
    return user_recommendations_update(user_id=user.pk)


class _Progress:
    """Timed progress lines, kept on the ModelRun row and sent to the log."""

    def __init__(self, run: ModelRun, echo: Callable[[str], None] | None):
        self.run, self.echo, self.started = run, echo, time.perf_counter()
        self.lines: list[str] = []

    def __call__(self, message: str) -> None:
        line = f"[{time.perf_counter() - self.started:7.1f} s] {message}"
        self.lines.append(line)
        logger.info("recommendations training #%s: %s", self.run.pk, message)
        if self.echo:
            self.echo(line)
        ModelRun.objects.filter(pk=self.run.pk).update(log="\n".join(self.lines))


def recommendations_train(*, echo: Callable[[str], None] | None = None) -> ModelRun:
    """Full training: fit, store neighbours, popular lists and every active reader's list."""
    run = ModelRun.objects.create(params=asdict(SERVED_PARAMS))
    progress = _Progress(run, echo)
    started = time.perf_counter()
    try:
        metrics = _train(run, progress)
    except Exception as exc:
        progress(f"failed: {exc!r}")
        ModelRun.objects.filter(pk=run.pk).update(status=ModelRun.Status.FAILED, finished_at=timezone.now())
        raise
    run.refresh_from_db()
    run.status = ModelRun.Status.SUCCESS
    run.finished_at = timezone.now()
    run.duration_seconds = time.perf_counter() - started
    run.peak_memory_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    run.metrics = metrics
    run.save()
    progress(f"done in {run.duration_seconds:.1f} s, process peak memory {run.peak_memory_mb:.0f} MB")
    recs_cache.flush_all()
    return run


def _train(run: ModelRun, progress: _Progress) -> dict:
    pairs = interaction_pairs()
    seen = seen_pairs()
    book_ids = np.array(sorted(Book.objects.values_list("id", flat=True)), dtype=np.int64)
    data = algorithms.Interactions.from_pairs(pairs, item_ids=book_ids)
    progress(f"read {len(pairs)} interactions of {data.n_users} readers on {data.n_items} books")
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    recent = np.array(
        list(
            _positive_shelves()
            .filter(added_at__gte=since)
            .values_list("user_id", "book_id")
            .union(_positive_reviews().filter(created_at__gte=since).values_list("user_id", "book_id"))
        ),
        dtype=np.int64,
    ).reshape(-1, 2)
    popular = popular_lists(recent, pairs)
    ModelRun.objects.filter(pk=run.pk).update(popular=popular)
    progress(f"popular lists for {len(popular) - 1} categories")
    if not data.n_items:
        return {"users": 0, "books": 0, "interactions": 0}

    features = algorithms.feature_matrix(data.item_ids, book_features(data.item_ids))
    model = algorithms.Hybrid(SERVED_PARAMS, features, neighbors=algorithms.SERVED_NEIGHBORS).fit(data)
    progress("model fitted")

    neighbor_rows = []
    for row, (indexes, weights) in enumerate(zip(model.neighbor_indexes, model.neighbor_scores, strict=True)):
        keep = indexes >= 0
        neighbor_rows.append(
            ItemNeighbors(
                book_id=int(data.item_ids[row]),
                neighbors=[int(data.item_ids[j]) for j in indexes[keep]],
                scores=[round(float(w), 6) for w in weights[keep]],
                model_version=run.pk,
            )
        )
    ItemNeighbors.objects.bulk_create(
        neighbor_rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["book"],
        update_fields=["neighbors", "scores", "model_version"],
    )
    ItemNeighbors.objects.exclude(model_version=run.pk).delete()
    progress(f"stored neighbours of {len(neighbor_rows)} books")

    exclude = algorithms.Interactions.from_pairs(seen, item_ids=book_ids)
    favorites: dict[int, list] = defaultdict(list)
    for user_id, category_id, name in (
        Profile.favorite_categories.through.objects.order_by("category__name")
        .values_list("profile__user_id", "category_id", "category__name")
        .iterator(chunk_size=20000)
    ):
        favorites[user_id].append((category_id, name))
    written = 0
    for start in range(0, data.n_users, BATCH):
        user_ids = data.user_ids[start : start + BATCH]
        rows = data.matrix[start : start + BATCH]
        excluded = exclude.matrix[[exclude.user_index(u) for u in user_ids]]
        lists = algorithms.recommend_with_reasons(
            rows, model.similarity, model.neighbor_indexes, model.neighbor_scores, LIST_SIZE, exclude=excluded
        )
        batch = []
        for row, (user_id, recommended) in enumerate(zip(user_ids, lists, strict=True)):
            items = [
                {
                    "book_id": int(data.item_ids[j]),
                    "score": round(score, 6),
                    "reason": {"book_id": int(data.item_ids[b])},
                }
                for j, score, b in recommended
            ]
            if len(items) < LIST_SIZE:
                taken = {int(data.item_ids[j]) for j in excluded[row].indices} | {i["book_id"] for i in items}
                items += _cold_start_items(
                    user_id=int(user_id),
                    exclude=taken,
                    count=LIST_SIZE - len(items),
                    popular=popular,
                    favorites=favorites.get(int(user_id), []),
                )
            batch.append(UserRecommendations(user_id=int(user_id), items=items, model_version=run.pk))
        _upsert_lists(batch)
        written += len(batch)
        progress(f"stored lists of {written}/{data.n_users} readers")
    # Lists of readers without interactions now are rebuilt on their next visit.
    UserRecommendations.objects.filter(~Q(model_version=run.pk)).delete()
    return {"users": data.n_users, "books": data.n_items, "interactions": int(data.matrix.nnz)}
