"""The import task through a real worker consuming the `imports` queue (routed by settings)."""

import time

import pytest

from cgbookstore.celery import app
from core.tests.processes import celery_worker
from library import services
from library.models import ImportJob
from library.tasks import import_job_run_task
from library.tests.conftest import fixture_bytes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def not_eager():
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def wait_until_finished(job_id: int, timeout: float = 60) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if not job.is_active:
            return job
        time.sleep(0.2)
    raise AssertionError("the worker did not finish the import in time")


def test_an_import_runs_on_a_real_worker_of_the_imports_queue(not_eager, user, catalog):
    assert app.amqp.router.route({}, import_job_run_task.name)["queue"].name == "imports"
    # Autocommit: the task is sent to the broker as soon as the upload is stored.
    job = services.import_job_create(user=user, file_name="g.csv", data=fixture_bytes("goodreads_sample.csv"))
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.PENDING
    with celery_worker("imports"):
        finished = wait_until_finished(job.pk)
    assert finished.status == ImportJob.Status.DONE
    assert (finished.done_rows, finished.matched, finished.unmatched) == (5, 4, 1)
