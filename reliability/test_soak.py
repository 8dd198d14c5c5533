"""A 20-second smoke run of the soak driver (`make soak` runs it for 10 minutes)."""

import pytest

from core.tests import processes
from reliability.soak import seed, soak

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_short_soak_with_redis_and_worker_restarts_loses_no_acknowledged_write():
    figures = soak(seconds=20, database_url=processes.test_database_url(), data=seed(), chaos_every=8, threads=4)
    print(figures)
    assert figures["redis_restarts"] >= 2 and figures["worker_restarts"] >= 2
    assert figures["writes_acknowledged"] > 50
    assert figures["writes_lost"] == 0, figures["first_lost"]
    assert figures["errors_5xx"] == 0, figures["first_failures"]
    assert figures["processes_alive"]
