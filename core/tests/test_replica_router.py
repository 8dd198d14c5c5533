"""Which database a read goes to (core/replica.py); the real replica is in reliability/test_replica.py."""

import pytest
from django.db import transaction

from core.replica import PrimaryReplicaRouter, _may_read_replica, primary_reads

router = PrimaryReplicaRouter()


def test_reads_outside_a_request_go_to_the_primary():
    # Celery tasks and management commands never set the request's permission.
    assert router.db_for_read(None) == "default"


def test_a_request_that_allows_it_reads_the_replica_except_in_primary_reads():
    token = _may_read_replica.set(True)
    try:
        assert router.db_for_read(None) == "replica"
        with primary_reads():
            assert router.db_for_read(None) == "default"
        assert router.db_for_read(None) == "replica"
    finally:
        _may_read_replica.reset(token)


@pytest.mark.django_db
def test_reads_inside_a_transaction_and_all_writes_go_to_the_primary():
    token = _may_read_replica.set(True)
    try:
        with transaction.atomic():
            assert router.db_for_read(None) == "default"
        assert router.db_for_write(None) == "default"
    finally:
        _may_read_replica.reset(token)
