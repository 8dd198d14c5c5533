import numpy as np
import pytest
import scipy.sparse as sp

from recommendations import algorithms


def small_matrix(seed=0, users=30, items=12):
    rng = np.random.default_rng(seed)
    dense = (rng.random((users, items)) < 0.35).astype(np.float32)
    return sp.csr_matrix(dense)


def test_ease_matches_the_closed_form():
    x = small_matrix()
    lam = 5.0
    g = (x.T @ x).toarray().astype(np.float64) + lam * np.eye(x.shape[1])
    p = np.linalg.inv(g)
    expected = np.eye(x.shape[1]) - p / np.diag(p)
    np.fill_diagonal(expected, 0.0)
    assert algorithms.ease(x, lam) == pytest.approx(expected.astype(np.float32), abs=1e-4)


def test_gram_in_blocks_equals_the_plain_product(monkeypatch):
    monkeypatch.setattr(algorithms, "GRAM_BLOCK", 5)
    x = small_matrix(1)
    assert np.allclose(algorithms.gram(x), (x.T @ x).toarray())


def test_top_k_never_returns_an_excluded_item_and_breaks_ties_by_index():
    scores = np.array([[0.5, 0.9, 0.5, 0.1]], dtype=np.float32)
    exclude = sp.csr_matrix(np.array([[0, 1, 0, 0]], dtype=np.float32))
    assert algorithms.top_k(scores, exclude, 3).tolist() == [[0, 2, 3]]
    # Fewer allowed items than k: the list is padded with -1.
    assert algorithms.top_k(scores, sp.csr_matrix(np.ones((1, 4), np.float32)), 2).tolist() == [[-1, -1]]


def test_interactions_keep_only_items_of_the_given_catalog():
    data = algorithms.Interactions.from_pairs(np.array([[7, 1], [7, 3], [8, 3], [8, 99]]), item_ids=[1, 2, 3])
    assert data.matrix.toarray().tolist() == [[1, 0, 1], [0, 0, 1]]
    assert data.user_index(8) == 1 and data.user_index(5) is None


def test_served_hybrid_gives_reasons_from_the_readers_own_books():
    x = small_matrix(2)
    data = algorithms.Interactions(matrix=x, user_ids=np.arange(x.shape[0]), item_ids=np.arange(x.shape[1]))
    model = algorithms.Hybrid(algorithms.HybridParams(lam=5.0), neighbors=5).fit(data)
    lists = algorithms.recommend_with_reasons(
        x[:3], model.similarity, model.neighbor_indexes, model.neighbor_scores, k=4
    )
    for row, recommended in enumerate(lists):
        history = set(x[row].indices)
        for item, score, because in recommended:
            assert item not in history
            assert because in history
            assert score > 0
