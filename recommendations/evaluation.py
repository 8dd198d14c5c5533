"""Offline evaluation: leave-one-out on interaction files, every unseen item ranked, top-k.

Plain Python (no Django) so that the management command, the training task and the tests
share it. Files are tab-separated `user_id<TAB>item_id`, no header. The hybrid's
hyper-parameters are tuned on a validation split carved from the interactions file only;
the held-out file is scored once, at the end.
"""

from __future__ import annotations

import csv
import logging
import resource
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from recommendations import algorithms, metrics
from recommendations.algorithms import Hybrid, HybridParams, Interactions

logger = logging.getLogger(__name__)

BATCH = 1024

# Hyper-parameter search for the hybrid, run on the validation split in stages (each stage
# keeps the best value found so far for the others).
LAMBDAS = (25.0, 50.0, 100.0, 200.0, 400.0)
KNN_WEIGHTS = (0.0, 0.05, 0.1, 0.2)
CONTENT_WEIGHTS = (0.0, 0.02, 0.05, 0.1, 0.2)
POPULARITY_BETAS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
# Debiasing may cost at most this share of validation NDCG in exchange for coverage.
DEBIAS_TOLERANCE = 0.01


# --- input --------------------------------------------------------------------------------


def read_pairs(path: str | Path) -> np.ndarray:
    """(n, 2) int64 array of (user_id, item_id) from a tab-separated file without header."""
    pairs = np.loadtxt(path, dtype=np.int64, delimiter="\t", usecols=(0, 1), ndmin=2)
    return pairs.reshape(-1, 2)


def read_book_features(books_path: str | Path) -> dict[int, list[str]]:
    """Content features per goodbooks book_id: authors, plus genres from book_genres.csv beside it."""
    books_path = Path(books_path)
    features: dict[int, list[str]] = defaultdict(list)
    with books_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            book_id = int(row["book_id"])
            for author in (row.get("authors") or "").split(","):
                if author.strip():
                    features[book_id].append(f"author:{author.strip().lower()}")
    genres_path = books_path.with_name("book_genres.csv")
    if genres_path.exists():
        with genres_path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for genre in (row.get("genres") or "").split(","):
                    if genre.strip():
                        features[int(row["book_id"])].append(f"genre:{genre.strip()}")
    return dict(features)


def validation_split(pairs: np.ndarray, seed: int = algorithms.SEED, min_items: int = 3):
    """Hold out one random pair per user with at least `min_items` pairs: (train, validation)."""
    rng = np.random.default_rng(seed)
    order = np.lexsort((rng.random(len(pairs)), pairs[:, 0]))
    users = pairs[order, 0]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
    counts = np.diff(np.r_[starts, len(users)])
    chosen = order[starts[counts >= min_items]]
    mask = np.zeros(len(pairs), dtype=bool)
    mask[chosen] = True
    return pairs[~mask], pairs[mask]


# --- scoring ------------------------------------------------------------------------------


@dataclass
class Result:
    model: str
    hr: float
    ndcg: float
    map: float
    coverage: float
    train_seconds: float
    peak_mb: float
    users: int
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def rank_users(model, train: Interactions, user_ids: np.ndarray, k: int, fallback: np.ndarray) -> dict[int, list]:
    """Top-k raw item ids per user, excluding what the user has in `train`.

    Users unknown to `train` get the `fallback` ranking (popularity): cold start.
    """
    ranked: dict[int, list] = {}
    known = [(int(u), train.user_index(u)) for u in user_ids]
    cold = [u for u, index in known if index is None]
    fallback_top = [int(train.item_ids[j]) for j in fallback[:k]]
    for user in cold:
        ranked[user] = fallback_top
    warm = [(u, index) for u, index in known if index is not None]
    for start in range(0, len(warm), BATCH):
        batch = warm[start : start + BATCH]
        indexes = np.array([index for _u, index in batch], dtype=np.int64)
        rows = train.matrix[indexes]
        top = algorithms.top_k(model.score(rows, indexes), rows, k)
        for (user, _index), items in zip(batch, top, strict=True):
            ranked[user] = [int(train.item_ids[j]) for j in items if j >= 0]
    return ranked


def score_ranking(ranked: dict[int, list], heldout: dict[int, set], n_items: int, k: int) -> dict[str, float]:
    users = sorted(heldout)
    if not users:
        return {"hr": 0.0, "ndcg": 0.0, "map": 0.0, "coverage": 0.0}
    return {
        "hr": float(np.mean([metrics.hit_rate(ranked[u], heldout[u], k) for u in users])),
        "ndcg": float(np.mean([metrics.ndcg(ranked[u], heldout[u], k) for u in users])),
        "map": float(np.mean([metrics.average_precision(ranked[u], heldout[u], k) for u in users])),
        "coverage": metrics.catalog_coverage([ranked[u] for u in users], n_items),
    }


def group_pairs(pairs: np.ndarray) -> dict[int, set]:
    grouped: dict[int, set] = defaultdict(set)
    for user, item in pairs:
        grouped[int(user)].add(int(item))
    return dict(grouped)


def measured_fit(model, train: Interactions):
    """Fit `model`; return (seconds, peak MB of numpy/Python allocations during the fit)."""
    tracemalloc.start()
    started = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak / 2**20


def evaluate(model, train: Interactions, heldout_pairs: np.ndarray, k: int = 10, params: dict | None = None) -> Result:
    seconds, peak_mb = measured_fit(model, train)
    heldout = group_pairs(heldout_pairs)
    fallback = np.argsort(-algorithms.item_popularity(train.matrix), kind="stable")
    ranked = rank_users(model, train, np.array(sorted(heldout)), k, fallback)
    scores = score_ranking(ranked, heldout, train.n_items, k)
    return Result(
        model=model.name,
        train_seconds=seconds,
        peak_mb=peak_mb,
        users=len(heldout),
        params=params or {},
        **scores,
    )


# --- tuning and the full comparison -------------------------------------------------------


def tune_hybrid(
    pairs: np.ndarray,
    item_features: dict[int, Iterable[str]] | None,
    k: int = 10,
    log: Callable[[str], None] = logger.info,
) -> HybridParams:
    """Pick λ, the kNN and content weights and the debiasing β on a split of `pairs` only."""
    train_pairs, valid_pairs = validation_split(pairs)
    train = Interactions.from_pairs(train_pairs)
    features = algorithms.feature_matrix(train.item_ids, item_features) if item_features else None
    heldout = group_pairs(valid_pairs)
    users = np.array(sorted(heldout))
    fallback = np.argsort(-algorithms.item_popularity(train.matrix), kind="stable")
    parts: dict = {}  # EASE per λ, kNN and content matrices, each computed once

    def run(params: HybridParams) -> dict:
        model = Hybrid(params, features, parts=parts).fit(train)
        result = score_ranking(rank_users(model, train, users, k, fallback), heldout, train.n_items, k)
        log(
            f"  validation λ={params.lam:g} knn={params.knn_weight:g} content={params.content_weight:g} "
            f"β={params.popularity_beta:g}: NDCG@{k} {result['ndcg']:.4f} HR@{k} {result['hr']:.4f} "
            f"coverage {result['coverage']:.3f}"
        )
        return result

    best = HybridParams()
    best_score = -1.0
    stages = [("lam", LAMBDAS), ("knn_weight", KNN_WEIGHTS)]
    if features is not None:
        stages.append(("content_weight", CONTENT_WEIGHTS))
    for name, values in stages:
        for value in values:
            params = HybridParams(**{**asdict(best), name: value})
            result = run(params)
            if result["ndcg"] > best_score + 1e-9:
                best, best_score = params, result["ndcg"]
    # Debiasing: the widest coverage whose NDCG stays within the tolerance of the best.
    chosen, chosen_coverage = best, -1.0
    for beta in POPULARITY_BETAS:
        params = HybridParams(**{**asdict(best), "popularity_beta": beta})
        result = run(params)
        if result["ndcg"] >= best_score * (1 - DEBIAS_TOLERANCE) and result["coverage"] > chosen_coverage:
            chosen, chosen_coverage = params, result["coverage"]
    log(f"chosen on validation: {chosen}")
    return chosen


def compare_models(
    interactions_path: str | Path,
    heldout_path: str | Path,
    books_path: str | Path | None = None,
    k: int = 10,
    log: Callable[[str], None] = logger.info,
) -> dict:
    """Every candidate and the tuned hybrid on the held-out file, as a JSON-able report."""
    pairs = read_pairs(interactions_path)
    heldout_pairs = read_pairs(heldout_path)
    item_features = read_book_features(books_path) if books_path else None
    train = Interactions.from_pairs(pairs)
    log(f"{train.n_users} users, {train.n_items} items, {train.matrix.nnz} interactions; {len(heldout_pairs)} held out")

    log("tuning the hybrid on a validation split of the interactions file")
    params = tune_hybrid(pairs, item_features, k=k, log=log)
    features = algorithms.feature_matrix(train.item_ids, item_features) if item_features else None
    candidates = [
        (algorithms.Popularity(), {}),
        (algorithms.CosineKNN(), {}),
        (algorithms.ALS(64), {"factors": 64}),
        (algorithms.Ease(params.lam), {"lambda": params.lam}),
        (Hybrid(params, features), asdict(params)),
        (Hybrid(params, features, neighbors=algorithms.SERVED_NEIGHBORS), asdict(params)),
    ]
    results = []
    for model, model_params in candidates:
        log(f"training and scoring {model.name}")
        result = evaluate(model, train, heldout_pairs, k=k, params=model_params)
        log(
            f"  {result.model}: HR@{k} {result.hr:.4f} NDCG@{k} {result.ndcg:.4f} MAP@{k} {result.map:.4f} "
            f"coverage {result.coverage:.3f} ({result.train_seconds:.1f} s, {result.peak_mb:.0f} MB)"
        )
        results.append(result.as_dict())
    return {
        "k": k,
        "users": train.n_users,
        "items": train.n_items,
        "interactions": int(train.matrix.nnz),
        "heldout": int(len(heldout_pairs)),
        "hybrid_params": asdict(params),
        "results": results,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def markdown_table(report: dict) -> str:
    k = report["k"]
    lines = [
        f"| model | HR@{k} | NDCG@{k} | MAP@{k} | coverage | training (s) | peak memory (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        lines.append(
            f"| {r['model']} | {r['hr']:.4f} | {r['ndcg']:.4f} | {r['map']:.4f} | {r['coverage']:.3f} "
            f"| {r['train_seconds']:.2f} | {r['peak_mb']:.0f} |"
        )
    return "\n".join(lines)
