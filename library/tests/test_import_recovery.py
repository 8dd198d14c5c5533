"""Imports never stay stuck: cancel, retry, the claim of a run, and the sweeper of lost tasks."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from core.models import OutboxTask
from core.tests.factories import UserFactory
from core.tests.processes import broker_at, dead_broker_url
from library import services
from library.models import ImportJob, ImportRow
from library.tests.conftest import fixture_bytes

Status = ImportJob.Status
pytestmark = pytest.mark.django_db


def new_job(user, *, status=Status.PENDING, **fields) -> ImportJob:
    job = services.import_job_create(user=user, file_name="g.csv", data=fixture_bytes("goodreads_sample.csv"))
    ImportJob.objects.filter(pk=job.pk).update(status=status, **fields)
    job.refresh_from_db()
    return job


def applied(job) -> int:
    return job.rows.filter(status=ImportRow.Status.APPLIED).count()


def test_a_cancelled_pending_job_is_never_run(user, catalog):
    job = services.import_job_cancel(job=new_job(user), user=user)
    assert job.status == Status.CANCELLED and not job.is_active
    services.import_job_run(job_id=job.pk)
    assert ImportJob.objects.get(pk=job.pk).status == Status.CANCELLED and not job.rows.exists()


def test_a_cancel_stops_a_run_at_the_next_batch_and_a_retry_resumes_it(
    user, catalog, monkeypatch, django_capture_on_commit_callbacks
):
    job = new_job(user)
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    # The reader cancels while the run rests after its first batch.
    monkeypatch.setattr(services, "_rest_after", lambda started: services.import_job_cancel(job=job, user=user))
    stopped = services.import_job_run(job_id=job.pk)
    assert stopped.status == Status.CANCELLED and applied(job) == 2  # the second batch rolled back
    monkeypatch.setattr(services, "_rest_after", lambda started: None)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_retry(job=stopped, user=user)
    finished = ImportJob.objects.get(pk=job.pk)
    assert (finished.status, finished.matched, finished.unmatched, applied(job)) == (Status.DONE, 4, 1, 4)


def test_only_an_active_job_can_be_cancelled_and_only_a_stopped_one_retried(user):
    done = new_job(user, status=Status.DONE)
    with pytest.raises(ValidationError, match="já terminou"):
        services.import_job_cancel(job=done, user=user)
    with pytest.raises(ValidationError, match="falhou ou foi cancelada"):
        services.import_job_retry(job=done, user=user)


def test_a_retry_waits_for_the_readers_other_import(user):
    failed = new_job(user, status=Status.FAILED, error="boom")
    new_job(user)
    with pytest.raises(ValidationError, match="em andamento"):
        services.import_job_retry(job=failed, user=user)
    assert ImportJob.objects.get(pk=failed.pk).status == Status.FAILED


def test_a_second_message_for_a_running_job_does_nothing(user, catalog):
    job = new_job(user, status=Status.RUNNING)
    services.import_job_run(job_id=job.pk)
    assert ImportJob.objects.get(pk=job.pk).status == Status.RUNNING and not job.rows.exists()


def test_a_transient_error_hands_the_job_back_for_the_retry_and_a_bug_fails_it(user, catalog, monkeypatch):
    job = new_job(user)
    monkeypatch.setattr(services, "_match_pending", lambda job: (_ for _ in ()).throw(OperationalError("gone")))
    with pytest.raises(OperationalError):
        services.import_job_run(job_id=job.pk)
    assert ImportJob.objects.get(pk=job.pk).status == Status.PENDING
    monkeypatch.setattr(services, "_match_pending", lambda job: (_ for _ in ()).throw(KeyError("bug")))
    with pytest.raises(KeyError):
        services.import_job_run(job_id=job.pk)
    failed = ImportJob.objects.get(pk=job.pk)
    assert failed.status == Status.FAILED and "KeyError" in failed.error


def test_the_sweeper_queues_again_only_jobs_silent_for_too_long(
    user, catalog, settings, django_capture_on_commit_callbacks
):
    stale = timezone.now() - timedelta(minutes=settings.LIBRARY_IMPORT_STALE_MINUTES + 1)
    lost = new_job(user, touched_at=stale)  # its message never reached a worker
    dead = new_job(UserFactory(), status=Status.RUNNING, touched_at=stale)  # its worker died
    waiting = new_job(UserFactory())  # queued a moment ago
    with django_capture_on_commit_callbacks(execute=True):
        assert services.import_jobs_requeue() == 2
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert (statuses[lost.pk], statuses[dead.pk], statuses[waiting.pk]) == (Status.DONE, Status.DONE, Status.PENDING)


# --- Pages ------------------------------------------------------------------------------------


def test_the_reader_cancels_then_retries_from_the_job_page(auth_client, user, catalog):
    job = new_job(user)
    page = auth_client.get(reverse("library:import_detail", args=[job.pk])).content.decode()
    assert reverse("library:import_cancel", args=[job.pk]) in page
    response = auth_client.post(reverse("library:import_cancel", args=[job.pk]), follow=True)
    assert "Importação cancelada" in response.content.decode()
    assert reverse("library:import_retry", args=[job.pk]) in response.content.decode()
    response = auth_client.post(reverse("library:import_retry", args=[job.pk]))
    assert response.status_code == 302 and ImportJob.objects.get(pk=job.pk).status in (Status.PENDING, Status.DONE)


def test_a_refused_cancel_is_a_409_with_the_reason(auth_client, user):
    job = new_job(user, status=Status.DONE)
    response = auth_client.post(reverse("library:import_cancel", args=[job.pk]))
    assert response.status_code == 409 and "já terminou" in response.content.decode()


def test_another_readers_job_cannot_be_cancelled(auth_client):
    job = new_job(UserFactory())
    assert auth_client.post(reverse("library:import_cancel", args=[job.pk])).status_code == 403
    assert auth_client.get(reverse("library:import_cancel", args=[job.pk])).status_code == 405
    assert ImportJob.objects.get(pk=job.pk).status == Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_an_upload_with_the_broker_down_is_stored_with_its_task_kept_for_later(auth_client, user):
    with broker_at(dead_broker_url()):
        response = auth_client.post(
            reverse("library:import_upload"), {"file": fixture_bytes_upload("goodreads_sample.csv")}
        )
    job = ImportJob.objects.get(user=user)
    assert response.status_code == 302 and job.status == Status.PENDING
    row = OutboxTask.objects.get()
    assert (row.name, row.args, row.sent_at) == ("library.tasks.import_job_run_task", [job.pk], None)


def fixture_bytes_upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, fixture_bytes(name), content_type="text/csv")
