"""Ranking formulas, in Python (one row at write time) and SQL (set-based reconcile).

- Posts "Mais votados": the lower bound of the Wilson score interval at 95% for the share
  of up votes. 5 up / 0 down outranks 60 up / 40 down: the raw difference (+5 vs +20)
  would reward volume, the bound rewards confidence that readers agree.
- Topics "Em alta": Reddit's hot rank on activity,
      hot = log10(max(posts, 1)) + (last_activity_at - HOT_EPOCH) / HOT_DECAY_SECONDS
  Every 12.5 hours of recency weigh as much as ten times the posts. The time term is an
  absolute offset instead of a decay from "now", so the order of two topics never changes
  by itself and the score only moves with a new post (no periodic rewrite of every row).
"""

import math
from datetime import datetime

WILSON_Z = 1.96  # 95% confidence
HOT_EPOCH = 1_700_000_000  # 2023-11-14, keeps the scores small
HOT_DECAY_SECONDS = 45_000  # 12.5 h


def wilson_lower_bound(up: int, down: int, z: float = WILSON_Z) -> float:
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return (centre - margin) / (1 + z2 / n)


def hot_score(posts_count: int, last_activity_at: datetime) -> float:
    return math.log10(max(posts_count, 1)) + (last_activity_at.timestamp() - HOT_EPOCH) / HOT_DECAY_SECONDS


# The same formulas for set-based SQL (columns of debates_debatepost / debates_debatetopic).
WILSON_SQL = f"""CASE WHEN {{up}} + {{down}} = 0 THEN 0.0 ELSE (
    ({{up}}::float / ({{up}} + {{down}}) + {WILSON_Z}^2 / (2.0 * ({{up}} + {{down}})))
    - {WILSON_Z} * sqrt(({{up}}::float / ({{up}} + {{down}}) * (1 - {{up}}::float / ({{up}} + {{down}}))
        + {WILSON_Z}^2 / (4.0 * ({{up}} + {{down}}))) / ({{up}} + {{down}}))
) / (1 + {WILSON_Z}^2 / ({{up}} + {{down}})) END"""

HOT_SQL = (
    f"log(10, greatest({{posts}}, 1)::numeric)::float"
    f" + (extract(epoch FROM {{last}})::float - {HOT_EPOCH}) / {HOT_DECAY_SECONDS}"
)
