"""Recommendation models as plain numpy/scipy code (no Django), shared by training and evaluation.

Every item-based model yields an item×item score matrix S (float32): a reader with the
binary history row x gets the scores x·S. The served hybrid is

    S = EASE(λ) + w_knn · cosine-kNN + w_content · content-cosine

followed by a popularity debiasing of the final scores (score / popularity^β), which
lifts long-tail books a little and widens catalog coverage.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack
from threadpoolctl import threadpool_limits

logger = logging.getLogger(__name__)

SEED = 42
# Neighbours kept per item by the served model (a storage budget fixed beforehand, not tuned).
SERVED_NEIGHBORS = 100
# Columns of the gram matrix built per step: bounds the sparse intermediate product.
GRAM_BLOCK = 1024


@dataclass
class Interactions:
    """A binary users×items matrix with the raw ids of its rows and columns."""

    matrix: sp.csr_matrix
    user_ids: np.ndarray
    item_ids: np.ndarray
    _user_index: dict = field(default_factory=dict, repr=False)
    _item_index: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._user_index = {int(u): i for i, u in enumerate(self.user_ids)}
        self._item_index = {int(b): j for j, b in enumerate(self.item_ids)}

    @classmethod
    def from_pairs(cls, pairs: np.ndarray, item_ids: Sequence[int] | None = None) -> Interactions:
        """Build from an (n, 2) array of (user_id, item_id); duplicates count once.

        `item_ids` fixes the column space (e.g. the whole catalog); pairs on other items
        are dropped. Without it, the columns are the items seen in `pairs`.
        """
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        users, rows = np.unique(pairs[:, 0], return_inverse=True)
        if item_ids is None:
            items, cols = np.unique(pairs[:, 1], return_inverse=True)
        else:
            items = np.unique(np.asarray(item_ids, dtype=np.int64))
            cols = np.searchsorted(items, pairs[:, 1])
            cols = np.minimum(cols, len(items) - 1) if len(items) else cols
            keep = (items[cols] == pairs[:, 1]) if len(items) else np.zeros(len(pairs), bool)
            rows, cols = rows[keep], cols[keep]
        data = np.ones(len(rows), dtype=np.float32)
        matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(users), len(items)), dtype=np.float32)
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return cls(matrix=matrix, user_ids=users, item_ids=items)

    @property
    def n_users(self) -> int:
        return self.matrix.shape[0]

    @property
    def n_items(self) -> int:
        return self.matrix.shape[1]

    def user_index(self, user_id: int) -> int | None:
        return self._user_index.get(int(user_id))

    def item_index(self, item_id: int) -> int | None:
        return self._item_index.get(int(item_id))

    def rows_for(self, item_ids: Iterable[int]) -> np.ndarray:
        """Column indexes of the known items among `item_ids` (unknown ones are skipped)."""
        found = (self._item_index.get(int(i)) for i in item_ids)
        return np.fromiter((j for j in found if j is not None), dtype=np.int64)


# --- building blocks ------------------------------------------------------------------------


def item_popularity(matrix: sp.spmatrix) -> np.ndarray:
    """How many users interacted with each item (float32)."""
    return np.asarray(matrix.sum(axis=0), dtype=np.float32).ravel()


def gram(matrix: sp.csr_matrix) -> np.ndarray:
    """XᵀX as a dense float32 item×item matrix, built in column blocks to bound memory."""
    n_items = matrix.shape[1]
    out = np.zeros((n_items, n_items), dtype=np.float32)
    xt = matrix.T.tocsr()
    xc = matrix.tocsc()
    for start in range(0, n_items, GRAM_BLOCK):
        stop = min(start + GRAM_BLOCK, n_items)
        out[:, start:stop] = (xt @ xc[:, start:stop]).toarray()
    return out


def _symmetric_inverse_inplace(a: np.ndarray) -> np.ndarray:
    """Invert a symmetric positive definite float32 matrix in place (Cholesky, LAPACK).

    `a` is C-ordered; its transpose view is Fortran-ordered, so LAPACK works on it without
    a copy. Only one triangle comes back; the other is mirrored block by block.
    """
    view = a.T
    factor, info = lapack.spotrf(view, lower=1, overwrite_a=1, clean=0)
    if info != 0:
        raise np.linalg.LinAlgError(f"Cholesky failed (info={info})")
    inverse, info = lapack.spotri(factor, lower=1, overwrite_c=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"inverse failed (info={info})")
    # The lower triangle of the Fortran view is the upper triangle of `a`: mirror it down.
    n = a.shape[0]
    for start in range(0, n, GRAM_BLOCK):
        stop = min(start + GRAM_BLOCK, n)
        block = a[start:stop, start:stop]
        block[:] = np.triu(block) + np.triu(block, 1).T
        a[stop:, start:stop] = a[start:stop, stop:].T
    return a


def ease(matrix: sp.csr_matrix, lam: float) -> np.ndarray:
    """EASE (Steck 2019): B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, diagonal zeroed."""
    p = gram(matrix)
    p[np.diag_indices_from(p)] += lam
    _symmetric_inverse_inplace(p)
    diag = np.diag(p).copy()
    p /= -diag[np.newaxis, :]
    p[np.diag_indices_from(p)] = 0.0
    return p


def cosine_knn(matrix: sp.csr_matrix, neighbors: int | None = None, shrink: float = 0.0) -> np.ndarray:
    """Item–item cosine similarity of the co-occurrence columns, diagonal zeroed.

    With `neighbors`, each item keeps only its strongest neighbours (rows are items).
    """
    s = gram(matrix)
    norms = np.sqrt(np.diag(s)).copy()
    s /= norms[:, np.newaxis] * norms[np.newaxis, :] + shrink + 1e-9
    s[np.diag_indices_from(s)] = 0.0
    if neighbors is not None and neighbors < s.shape[1]:
        keep_top_per_row(s, neighbors)
    return s


def keep_top_per_row(s: np.ndarray, k: int) -> np.ndarray:
    """Zero all but the k largest entries of each row, in place."""
    for start in range(0, s.shape[0], GRAM_BLOCK):
        block = s[start : start + GRAM_BLOCK]
        drop = np.argpartition(-block, k, axis=1)[:, k:]
        np.put_along_axis(block, drop, 0.0, axis=1)
    return s


def content_similarity(features: sp.csr_matrix, neighbors: int = 100) -> sp.csr_matrix:
    """Cosine similarity of IDF-weighted item features (authors, genres), top `neighbors` per row.

    Built in row blocks and kept sparse: shared genres ("fiction") would make the full
    product nearly dense.
    """
    features = sp.csr_matrix(features, dtype=np.float32)
    features.data[:] = 1.0
    n_items = features.shape[0]
    df = np.asarray((features > 0).sum(axis=0)).ravel()
    idf = np.log((1 + n_items) / (1 + df)).astype(np.float32) + 1.0
    weighted = features @ sp.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    weighted = (sp.diags(1.0 / norms) @ weighted).tocsr().astype(np.float32)
    transposed = weighted.T.tocsc()
    blocks = []
    for start in range(0, n_items, GRAM_BLOCK):
        block = (weighted[start : start + GRAM_BLOCK] @ transposed).toarray()
        block[np.arange(len(block)), np.arange(start, start + len(block))] = 0.0
        indexes, scores = top_neighbors(block, neighbors)
        blocks.append(sparse_neighbors(indexes, scores, n_items))
    return sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, 0), dtype=np.float32)


def _row_max_mean(matrix) -> float:
    """Mean of the row maxima: the typical strength of an item's best neighbour."""
    maxima = matrix.max(axis=1)
    maxima = maxima.toarray() if sp.issparse(maxima) else np.asarray(maxima)
    return float(np.mean(maxima)) or 1.0


def feature_matrix(item_ids: np.ndarray, item_features: dict[int, Iterable[str]]) -> sp.csr_matrix:
    """items×features binary matrix, rows in `item_ids` order (items without features stay empty)."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, item_id in enumerate(item_ids):
        for feature in set(item_features.get(int(item_id), ())):
            rows.append(row)
            cols.append(vocabulary.setdefault(feature, len(vocabulary)))
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(item_ids), max(1, len(vocabulary))))


def als_factors(
    matrix: sp.csr_matrix,
    factors: int = 64,
    regularization: float = 0.05,
    alpha: float = 2.0,
    iterations: int = 15,
    seed: int = SEED,
) -> tuple[np.ndarray, np.ndarray]:
    """implicit's ALS (conjugate gradient); returns (user_factors, item_factors), float32.

    BLAS is held to one thread while implicit runs its own threads (its documented advice).
    """
    from implicit.cpu.als import AlternatingLeastSquares

    with threadpool_limits(1, "blas"):
        model = AlternatingLeastSquares(
            factors=factors,
            regularization=regularization,
            alpha=alpha,
            iterations=iterations,
            random_state=seed,
            dtype=np.float32,
        )
        model.fit(matrix, show_progress=False)
    return np.asarray(model.user_factors), np.asarray(model.item_factors)


# --- models -------------------------------------------------------------------------------


class Recommender:
    """Fit on an Interactions matrix, then score users' history rows."""

    name = "base"

    def fit(self, data: Interactions) -> Recommender:
        raise NotImplementedError

    def score(self, rows: sp.csr_matrix, user_indexes: np.ndarray) -> np.ndarray:
        """Scores (len(rows) × n_items) for the given history rows of users at `user_indexes`."""
        raise NotImplementedError


class Popularity(Recommender):
    name = "popularity"

    def fit(self, data):
        self.popularity = item_popularity(data.matrix)
        return self

    def score(self, rows, user_indexes):
        return np.broadcast_to(self.popularity, (rows.shape[0], len(self.popularity))).copy()


class ItemItem(Recommender):
    """Any model whose scores are history × an item×item matrix."""

    def score(self, rows, user_indexes):
        scores = rows @ self.similarity
        return np.asarray(scores.toarray() if sp.issparse(scores) else scores, dtype=np.float32)


class CosineKNN(ItemItem):
    name = "item-kNN cosine"

    def __init__(self, neighbors: int | None = None):
        self.neighbors = neighbors

    def fit(self, data):
        self.similarity = cosine_knn(data.matrix, self.neighbors)
        return self


class Ease(ItemItem):
    name = "EASE"

    def __init__(self, lam: float = 100.0):
        self.lam = lam

    def fit(self, data):
        self.similarity = ease(data.matrix, self.lam)
        return self


class ALS(Recommender):
    name = "implicit ALS (64 factors)"

    def __init__(self, factors: int = 64, **kwargs):
        self.factors, self.kwargs = factors, kwargs

    def fit(self, data):
        self.user_factors, self.item_factors = als_factors(data.matrix, factors=self.factors, **self.kwargs)
        return self

    def score(self, rows, user_indexes):
        return self.user_factors[user_indexes] @ self.item_factors.T


@dataclass(frozen=True)
class HybridParams:
    lam: float = 100.0
    knn_weight: float = 0.0
    content_weight: float = 0.0
    popularity_beta: float = 0.0
    knn_neighbors: int = 100


class Hybrid(ItemItem):
    """EASE + w·cosine-kNN + w·content, with popularity debiasing of the final scores.

    The kNN and content matrices are rescaled to EASE's typical magnitude (mean of the row
    maxima) so their weights are comparable across data sets. `parts` may be a dict shared
    between fits on the same data (hyper-parameter search) so each part is computed once.
    With `neighbors`, each item keeps only its top-N positive neighbours: exactly what is
    stored and served.
    """

    name = "hybrid"

    def __init__(
        self,
        params: HybridParams,
        item_features: sp.csr_matrix | None = None,
        neighbors: int | None = None,
        parts: dict | None = None,
    ):
        self.params = params
        self.item_features = item_features
        self.neighbors = neighbors
        self.parts = parts if parts is not None else {}
        if neighbors:
            self.name = f"hybrid, served form (top-{neighbors} neighbours)"

    def _part(self, key, build):
        if key not in self.parts:
            self.parts[key] = build()
        return self.parts[key]

    def fit(self, data):
        p = self.params
        if ("ease", p.lam) in self.parts:  # shared between fits: leave the original intact
            s = self.parts[("ease", p.lam)].copy()
        else:
            s = ease(data.matrix, p.lam)
        scale = _row_max_mean(s)
        if p.knn_weight:
            knn = self._part(("knn", p.knn_neighbors), lambda: cosine_knn(data.matrix, p.knn_neighbors))
            s += (p.knn_weight * scale / _row_max_mean(knn)) * knn
        if p.content_weight and self.item_features is not None and self.item_features.nnz:
            content = self._part("content", lambda: content_similarity(self.item_features)).tocoo()
            s[content.row, content.col] += (p.content_weight * scale / _row_max_mean(content)) * content.data
        popularity = item_popularity(data.matrix)
        self.debias = (np.maximum(popularity, 1.0) ** -p.popularity_beta).astype(np.float32)
        if self.neighbors:
            # Served form: debiasing folded into the stored (positive) neighbour scores.
            s *= self.debias[np.newaxis, :]
            self.neighbor_indexes, self.neighbor_scores = top_neighbors(s, self.neighbors)
            del s
            self.similarity = sparse_neighbors(self.neighbor_indexes, self.neighbor_scores, data.n_items)
        else:
            self.similarity = s
        return self

    def score(self, rows, user_indexes):
        scores = super().score(rows, user_indexes)
        if self.params.popularity_beta and not self.neighbors:
            # Only positive evidence is scaled, so debiasing never promotes a negative score.
            np.multiply(scores, self.debias, out=scores, where=scores > 0)
        return scores


# --- ranking ------------------------------------------------------------------------------


def top_k(scores: np.ndarray, exclude: sp.csr_matrix, k: int) -> np.ndarray:
    """Indexes of the k best items per row, best first, never an item marked in `exclude`.

    Ties are broken by item index (a stable, deterministic order).
    """
    scores = np.array(scores, dtype=np.float32, copy=True)
    rows, cols = exclude.nonzero()
    scores[rows, cols] = -np.inf
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    ranked = np.take_along_axis(part, order, axis=1)
    # Rows with fewer than k allowed items: drop the excluded tail.
    ranked_scores = np.take_along_axis(scores, ranked, axis=1)
    return np.where(np.isfinite(ranked_scores), ranked, -1)


def top_neighbors(similarity: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the n best positive columns (indexes, float32 scores), best first; -1 pads."""
    n = min(n, similarity.shape[1] - 1) if similarity.shape[1] > 1 else 0
    indexes = np.full((similarity.shape[0], n), -1, dtype=np.int32)
    scores = np.zeros((similarity.shape[0], n), dtype=np.float32)
    if n == 0:
        return indexes, scores
    for start in range(0, similarity.shape[0], GRAM_BLOCK):
        block = similarity[start : start + GRAM_BLOCK]
        part = np.argpartition(-block, n - 1, axis=1)[:, :n]
        values = np.take_along_axis(block, part, axis=1)
        order = np.lexsort((part, -values), axis=1)
        part = np.take_along_axis(part, order, axis=1)
        values = np.take_along_axis(values, order, axis=1)
        positive = values > 0
        indexes[start : start + len(block)] = np.where(positive, part, -1)
        scores[start : start + len(block)] = np.where(positive, values, 0.0)
    return indexes, scores


def sparse_neighbors(indexes: np.ndarray, scores: np.ndarray, n_items: int) -> sp.csr_matrix:
    """The top-N neighbour lists as a sparse item×item matrix (what serving multiplies by)."""
    rows = np.repeat(np.arange(indexes.shape[0]), indexes.shape[1])
    cols = indexes.ravel()
    keep = cols >= 0
    return sp.csr_matrix((scores.ravel()[keep], (rows[keep], cols[keep])), shape=(indexes.shape[0], n_items))


def recommend_with_reasons(
    rows: sp.csr_matrix,
    similarity: sp.csr_matrix,
    neighbor_indexes: np.ndarray,
    neighbor_scores: np.ndarray,
    k: int,
    exclude: sp.csr_matrix | None = None,
) -> list[list[tuple[int, float, int]]]:
    """Top-k (item, score, because-item) per history row, from the served neighbour lists.

    The reason is the history item that contributed most to the recommended item's score.
    `exclude` (default: the history itself) marks items never to recommend.
    """
    scores = np.asarray((rows @ similarity).toarray(), dtype=np.float32)
    scores[scores <= 0] = -np.inf  # no evidence: left to the cold-start lists
    top = top_k(scores, rows if exclude is None else exclude, k)
    lists = []
    for row, items in enumerate(top):
        history = rows.indices[rows.indptr[row] : rows.indptr[row + 1]]
        items = items[items >= 0]
        items = items[np.isfinite(scores[row, items])]
        if not len(items):
            lists.append([])
            continue
        idx, sc = neighbor_indexes[history], neighbor_scores[history]
        contribution = np.where(idx[:, :, np.newaxis] == items, sc[:, :, np.newaxis], 0.0).max(axis=1)
        because = history[contribution.argmax(axis=0)]
        lists.append([(int(j), float(scores[row, j]), int(b)) for j, b in zip(items, because, strict=True)])
    return lists
