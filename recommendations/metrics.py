"""Top-k ranking metrics for one user (ranked item list vs. the set of held-out items)."""

from collections.abc import Collection, Sequence

import numpy as np


def hit_rate(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    """1 if any held-out item is in the top k, else 0."""
    return float(any(item in relevant for item in ranked[:k]))


def ndcg(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    """DCG of the top k (gain 1/log2(rank + 1), rank from 1) over the best possible DCG."""
    if not relevant:
        return 0.0
    dcg = sum(1.0 / np.log2(rank + 2) for rank, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / np.log2(rank + 2) for rank in range(min(k, len(relevant))))
    return float(dcg / ideal)


def average_precision(ranked: Sequence[int], relevant: Collection[int], k: int) -> float:
    """AP@k: mean of precision@i at each hit i ≤ k, over min(k, |relevant|)."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / min(k, len(relevant))


def catalog_coverage(top_lists: Sequence[Sequence[int]], n_items: int) -> float:
    """Share of the catalog that appears in at least one top-k list."""
    if not n_items:
        return 0.0
    shown = {int(item) for items in top_lists for item in items if item >= 0}
    return len(shown) / n_items
