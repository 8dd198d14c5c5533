import resource
import time

import numpy as np
from django.core.management.base import BaseCommand

from recommendations import algorithms


def synthetic(users: int, items: int, interactions: int, seed: int) -> tuple[algorithms.Interactions, object]:
    """A users×items matrix with long-tailed book popularity and reader activity, plus genres."""
    rng = np.random.default_rng(seed)
    item_weights = 1.0 / np.arange(1, items + 1) ** 0.8
    user_weights = rng.lognormal(0.0, 0.8, users)
    per_user = np.maximum(4, np.round(user_weights / user_weights.sum() * interactions * 1.08)).astype(np.int64)
    rows = np.repeat(np.arange(users), per_user)
    cols = rng.choice(items, size=len(rows), p=item_weights / item_weights.sum())
    data = algorithms.Interactions.from_pairs(np.column_stack([rows, cols]), item_ids=np.arange(items))
    features = {
        j: [f"genre:{g}" for g in rng.choice(600, 20, replace=False)] + [f"author:{j % 4000}"] for j in range(items)
    }
    return data, algorithms.feature_matrix(data.item_ids, features)


class Command(BaseCommand):
    help = "Time and peak memory of the served training at catalog scale, on a synthetic matrix."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50_000)
        parser.add_argument("--items", type=int, default=10_000)
        parser.add_argument("--interactions", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=algorithms.SEED)

    def handle(self, *args, users, items, interactions, seed, **options):
        started = time.perf_counter()
        data, features = synthetic(users, items, interactions, seed)
        self.stdout.write(f"{data.n_users} users, {data.n_items} items, {data.matrix.nnz} interactions")
        from recommendations.services import SERVED_PARAMS

        fit_started = time.perf_counter()
        model = algorithms.Hybrid(SERVED_PARAMS, features, neighbors=algorithms.SERVED_NEIGHBORS).fit(data)
        fitted = time.perf_counter() - fit_started
        self.stdout.write(f"model fitted in {fitted:.1f} s")
        lists_started = time.perf_counter()
        for start in range(0, data.n_users, 1000):
            algorithms.recommend_with_reasons(
                data.matrix[start : start + 1000], model.similarity, model.neighbor_indexes, model.neighbor_scores, 10
            )
        listed = time.perf_counter() - lists_started
        self.stdout.write(f"top-10 lists with reasons for every reader in {listed:.1f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"training (fit + lists) {fitted + listed:.1f} s, total with data generation "
            f"{time.perf_counter() - started:.1f} s, process peak memory {peak:.0f} MB"
        )
