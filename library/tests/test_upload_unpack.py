"""The upload stores the checked file in one row; the task unpacks it into rows, once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from library import services
from library.models import ImportJob, ImportRow
from library.tests.conftest import fixture_bytes

pytestmark = pytest.mark.django_db


def test_the_upload_writes_the_job_alone_and_the_task_unpacks_its_rows(user):
    data = fixture_bytes("goodreads_sample.csv")
    with CaptureQueriesContext(connection) as queries:
        job = services.import_job_create(user=user, file_name="g.csv", data=data, enqueue=False)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "library_importjob" in inserts[0]
    assert not ImportRow.objects.filter(job=job).exists() and job.total_rows > 0

    services.import_job_unpack(job)
    services.import_job_unpack(job)  # a retried task finds the rows and no file
    assert ImportRow.objects.filter(job=job).count() == job.total_rows
    assert bytes(ImportJob.objects.values_list("data", flat=True).get(pk=job.pk)) == b""


def test_the_progress_page_never_loads_the_stored_file(auth_client, user, django_assert_num_queries):
    job = services.import_job_create(
        user=user, file_name="g.csv", data=fixture_bytes("goodreads_sample.csv"), enqueue=False
    )
    with CaptureQueriesContext(connection) as queries:
        assert auth_client.get(reverse("library:import_progress", kwargs={"pk": job.pk})).status_code == 200
    job_reads = [q["sql"] for q in queries.captured_queries if 'FROM "library_importjob"' in q["sql"]]
    assert job_reads and all('"library_importjob"."data"' not in sql for sql in job_reads)
