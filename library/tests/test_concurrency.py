"""Two uploads of one reader racing on real PostgreSQL transactions: one job, one refusal."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core.tests.factories import UserFactory
from debates.tests.test_concurrency import run_in_threads
from library import services
from library.models import ImportJob
from library.tests.conftest import fixture_bytes


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_make_one_job():
    reader = UserFactory()
    data = fixture_bytes("goodreads_sample.csv")
    first_checked = threading.Event()

    def first():
        with transaction.atomic():
            services.import_job_create(user=reader, file_name="a.csv", data=data, enqueue=False)
            first_checked.set()
            time.sleep(0.5)  # the second upload checks while this one is still open

    def second():
        first_checked.wait(5)
        services.import_job_create(user=reader, file_name="b.csv", data=data, enqueue=False)

    errors = run_in_threads(first, second)

    assert len(errors) == 1 and isinstance(errors[0], ValidationError) and errors[0].code == "busy"
    assert ImportJob.objects.filter(user=reader).count() == 1
