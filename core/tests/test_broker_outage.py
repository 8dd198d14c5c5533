"""A dead broker must not fail the reader's write that enqueues work, nor lose the work."""

import logging
import time
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.models import OutboxTask
from core.tasks import enqueue_on_commit, ping
from core.tests import processes
from core.tests.factories import UserFactory
from core.tests.processes import ROOT, broker_at, dead_broker_url
from debates.models import DebatePost
from debates.tests.factories import DebatePostFactory
from library import services as library_services
from library.models import ImportJob
from notifications.models import Notification
from reliability.stack import Gunicorn, Reader, Redis, Tally, Worker, login_session, report, server_env

FIXTURES = ROOT / "library" / "tests" / "fixtures"


@pytest.fixture
def dead_broker():
    with broker_at(dead_broker_url()):
        yield


@pytest.mark.django_db(transaction=True)
def test_enqueue_with_the_broker_down_logs_and_keeps_the_task_in_the_outbox(dead_broker, django_user_model, caplog):
    with caplog.at_level(logging.WARNING, logger="core.jobs"):
        with transaction.atomic():
            django_user_model.objects.create_user("carla", password="x")
            enqueue_on_commit(ping)
    assert django_user_model.objects.filter(username="carla").exists()
    assert "broker unavailable: core.ping not enqueued" in caplog.text
    row = OutboxTask.objects.get()
    assert (row.name, row.args, row.sent_at, row.attempts) == ("core.ping", [], None, 1)


@pytest.mark.django_db
def test_readyz_reports_the_broker_down(client, dead_broker, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/readyz")
    assert response.status_code == 503, response.json()
    assert response.json()["failing"] == ["broker"]


# --- A real outage: gunicorn, a broker stopped and started again, a real worker -------------


def _wait_for(condition, timeout: float = 90) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_during_replies_and_an_upload_costs_no_5xx_and_every_job_runs_after_it():
    alice, *repliers = UserFactory.create_batch(5)
    uploader = UserFactory()
    first = DebatePostFactory(author=alice, content="Quem já leu o final?")
    topic = first.topic
    upload = (FIXTURES / "goodreads_sample.csv").read_bytes()
    tally = Tally()
    with Redis() as cache_redis, Redis() as broker:
        broker_url = broker.url + "/0"
        env = server_env(
            database_url=processes.test_database_url(),
            redis_url=cache_redis.url,
            broker_url=broker_url,
            CELERY_TASK_ALWAYS_EAGER="false",
            OUTBOX_GRACE_SECONDS=0,  # the drain below need not wait
            DEBATES_POST_MIN_INTERVAL_SECONDS=0,  # every reply is a write, none refused as flood
        )
        with Gunicorn(env) as server:
            readers = [Reader(server.url, login_session(user), user.username) for user in repliers]
            importer = Reader(server.url, login_session(uploader), uploader.username)
            broker.kill()

            def reply(n: int) -> None:
                content = f"Resposta {n} {uuid.uuid4().hex}"
                response = readers[n % len(readers)].post(
                    f"/debates/{topic.slug}/responder/", data={"content": content, "parent": first.pk}
                )
                tally.record(response, "POST reply")
                if response.status_code == 302:
                    tally.ack(content)

            for n in range(8):
                reply(n)
            response = importer.post("/biblioteca/importar/", files={"file": ("goodreads.csv", upload, "text/csv")})
            tally.record(response, "POST import")
            job = ImportJob.objects.get(user=uploader)
            tally.record(importer.get(f"/biblioteca/importar/{job.pk}/"), "GET import page")
            broker.start()
        waiting_during_outage = OutboxTask.objects.filter(sent_at=None).count()
        # An import whose message the broker lost (sent before the outage, gone with the restart).
        lost = library_services.import_job_create(
            user=UserFactory(), file_name="perdido.csv", data=upload, enqueue=False
        )
        ImportJob.objects.filter(pk=lost.pk).update(touched_at=timezone.now() - timedelta(hours=1))
        # As beat would: the drain publishes what the outage kept, the sweeper re-queues the lost
        # import, and the worker runs it all.
        with broker_at(broker_url) as app, Worker(env, "default,maintenance,imports"):
            app.send_task("core.outbox_drain")
            app.send_task("library.tasks.import_jobs_requeue")
            replies = DebatePost.objects.filter(content__in=[c for (c,) in tally.acknowledged])
            notified = Notification.objects.filter(recipient=alice, kind=Notification.Kind.REPLY, post__in=replies)
            finished = _wait_for(
                lambda: (
                    not ImportJob.objects.filter(pk__in=[job.pk, lost.pk], status__in=["pending", "running"]).exists()
                    and notified.count() == len(tally.acknowledged)
                    and not OutboxTask.objects.filter(sent_at=None).exists()
                )
            )
    job.refresh_from_db()
    lost.refresh_from_db()
    figures = report(
        "broker stopped during writes and an import upload",
        {
            "requests": tally.sent,
            "errors_5xx": tally.server_errors,
            "replies_acknowledged": len(tally.acknowledged),
            "tasks_kept_in_outbox": waiting_during_outage,
            "replies_notified_after": notified.count(),
            "import_status_after": job.status,
            "lost_import_status_after_sweep": lost.status,
            "tasks_unsent_after": OutboxTask.objects.filter(sent_at=None).count(),
        },
    )
    assert tally.failures == [] and response.status_code == 302
    assert figures["replies_acknowledged"] == 8 and waiting_during_outage >= 8 + 1  # + the import
    assert finished, figures
    assert job.status == ImportJob.Status.DONE and job.done_rows == job.total_rows == 5
    assert lost.status == ImportJob.Status.DONE and lost.done_rows == 5
