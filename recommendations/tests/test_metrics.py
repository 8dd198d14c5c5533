import math

import pytest

from recommendations import metrics


def test_hit_rate_counts_a_hit_only_inside_the_top_k():
    assert metrics.hit_rate([5, 3, 9], {9}, k=3) == 1.0
    assert metrics.hit_rate([5, 3, 9], {9}, k=2) == 0.0


def test_ndcg_of_a_single_held_out_item_at_rank_three():
    # Gain 1/log2(3 + 1) = 0.5; the ideal (rank 1) is 1.
    assert metrics.ndcg([5, 3, 9, 1], {9}, k=10) == pytest.approx(0.5)


def test_ndcg_with_two_relevant_items_is_normalised_by_the_ideal_ranking():
    dcg = 1 / math.log2(2) + 1 / math.log2(4)  # hits at ranks 1 and 3
    ideal = 1 / math.log2(2) + 1 / math.log2(3)
    assert metrics.ndcg([7, 0, 8], {7, 8}, k=3) == pytest.approx(dcg / ideal)


def test_average_precision_by_hand():
    # Hits at ranks 2 and 4: (1/2 + 2/4) / min(k, 2) = 0.5.
    assert metrics.average_precision([1, 2, 3, 4], {2, 4}, k=4) == pytest.approx(0.5)
    # A single relevant item at rank 4: 1/4.
    assert metrics.average_precision([1, 2, 3, 4], {4}, k=10) == pytest.approx(0.25)
    assert metrics.average_precision([1, 2, 3, 4], {4}, k=3) == 0.0


def test_catalog_coverage_counts_distinct_items_shown():
    assert metrics.catalog_coverage([[1, 2], [2, 3], [-1]], n_items=10) == pytest.approx(0.3)


def test_metrics_of_an_empty_relevant_set_are_zero():
    assert metrics.ndcg([1], set(), 10) == 0.0
    assert metrics.average_precision([1], set(), 10) == 0.0
