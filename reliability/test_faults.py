"""Faults under traffic against a real gunicorn: Redis stopped, database connections dropped,
statement timeout hit, Celery worker killed mid-task. Each prints and records its figures
(requests sent, errors, data lost) in test-artifacts/reliability/figures.json."""

import threading
import time
import uuid

import psycopg
import pytest
import requests
from django.db import connection

from cgbookstore.celery import app
from core.tests import processes
from core.tests.factories import UserFactory
from debates.models import DebatePost
from debates.tests.factories import DebateTopicFactory
from reliability import tasks
from reliability.stack import Gunicorn, Reader, Redis, Tally, Worker, login_session, report, run_for, server_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
APP_NAME = "cgb-reliability"


@pytest.fixture
def forum():
    topic = DebateTopicFactory(title="Debate sob falhas", slug="debate-sob-falhas")
    readers = [(user.username, login_session(user)) for user in UserFactory.create_batch(24)]
    return topic, readers


def reader_traffic(server: Gunicorn, forum, tally: Tally, sessions_lost: list):
    """One step: a signed-in page (is the session still there?) and a new post.

    A post is acknowledged by its 302; a 429 (a reader posting again within the flood
    interval) was refused, not lost.
    """
    topic, readers = forum
    clients = [Reader(server.url, cookies, username) for username, cookies in readers]

    def step(n: int) -> None:
        reader = clients[n % len(clients)]
        try:
            page = reader.get("/")
            tally.record(page, "GET /")
            if page.status_code == 200 and reader.username not in page.text:
                sessions_lost.append(reader.username)
            content = f"Mensagem {n} {uuid.uuid4().hex}"
            post = reader.post(f"/debates/{topic.slug}/responder/", data={"content": content})
            tally.record(post, "POST reply")
            if post.status_code == 302:
                tally.ack(content)
        except requests.RequestException as exc:
            tally.record(None, "request", repr(exc))

    return step


def lost_posts(tally: Tally) -> int:
    stored = set(DebatePost.objects.filter(content__in=[c for (c,) in tally.acknowledged]).values_list("content"))
    return len(set(tally.acknowledged) - stored)


def later(delay: float, action) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(delay), action()))
    thread.start()
    return thread


def test_redis_stopped_during_traffic_costs_no_5xx_no_session_and_no_post(forum):
    with Redis() as redis_server:
        env = server_env(
            database_url=processes.test_database_url(), redis_url=redis_server.url, CELERY_TASK_ALWAYS_EAGER="false"
        )
        with Gunicorn(env) as server:
            tally, sessions_lost = Tally(), []
            # Redis (cache, sessions' cache, rate-limit counters, broker) dies after 3 s, is back after 7 s.
            chaos = [later(3, redis_server.kill), later(7, redis_server.start)]
            run_for(11, 4, reader_traffic(server, forum, tally, sessions_lost))
            for thread in chaos:
                thread.join()
    figures = report(
        "redis stopped during traffic",
        {
            "requests": tally.sent,
            "errors_5xx": tally.server_errors,
            "sessions_lost": len(sessions_lost),
            "posts_acknowledged": len(tally.acknowledged),
            "posts_lost": lost_posts(tally),
        },
    )
    assert tally.failures == []
    assert figures["requests"] > 20 and figures["posts_acknowledged"] >= 10
    assert figures["sessions_lost"] == 0 and figures["posts_lost"] == 0


def _admin_connection():
    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=True)


def _terminate_server_connections() -> int:
    """Kills every connection of the gunicorn workers (PGAPPNAME), as a database failover would."""
    with _admin_connection() as admin:
        query = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s"
        return admin.execute(query, [APP_NAME]).fetchone()[0]


def test_dropped_database_connections_are_replaced_and_lose_no_acknowledged_post(forum):
    with Redis() as redis_server:
        env = server_env(
            database_url=processes.test_database_url(),
            redis_url=redis_server.url,
            CELERY_TASK_ALWAYS_EAGER="true",
            PGAPPNAME=APP_NAME,
        )
        with Gunicorn(env) as server:
            tally, sessions_lost, dropped = Tally(), [], []
            chaos = [later(delay, lambda: dropped.append(_terminate_server_connections())) for delay in (2, 4, 6)]
            run_for(9, 2, reader_traffic(server, forum, tally, sessions_lost))
            for thread in chaos:
                thread.join()
            # After the drops, every request is served: the dead connections were replaced.
            after = Tally()
            reader_traffic(server, forum, after, sessions_lost)(0)
    figures = report(
        "postgresql connections dropped",
        {
            "requests": tally.sent + after.sent,
            "connections_killed": sum(dropped),
            "errors_5xx": tally.server_errors + after.server_errors,
            "posts_acknowledged": len(tally.acknowledged),
            "posts_lost": lost_posts(tally),
        },
    )
    assert sum(dropped) >= 3
    assert after.failures == [] and after.statuses[200] == 1
    # Only a request caught mid-query by a kill can fail (sync workers: one per worker per drop).
    assert figures["errors_5xx"] <= len(dropped) * 2
    assert figures["posts_lost"] == 0 and sessions_lost == []


def test_a_statement_timeout_answers_a_clean_503_page_and_the_next_request_recovers(forum):
    topic, _readers = forum
    with Redis() as redis_server:
        env = server_env(
            database_url=processes.test_database_url(), redis_url=redis_server.url, DB_STATEMENT_TIMEOUT_MS=1000
        )
        with Gunicorn(env) as server:
            tally, sessions_lost = Tally(), []
            step = reader_traffic(server, forum, tally, sessions_lost)
            # A long migration holds the posts table: every query on it waits, then is cancelled.
            with _admin_connection() as blocker, blocker.transaction():
                blocker.execute(f"LOCK TABLE {DebatePost._meta.db_table} IN ACCESS EXCLUSIVE MODE")
                blocked = Tally()
                for n in range(4):
                    reader_traffic(server, forum, blocked, sessions_lost)(n)
                page = Reader(server.url, _readers[0][1], _readers[0][0]).get(topic.get_absolute_url())
                blocked.record(page, "GET topic")
            for n in range(4):
                step(n)
    figures = report(
        "statement timeout",
        {
            "requests": blocked.sent + tally.sent,
            "clean_503": blocked.statuses[503],
            "errors_500": blocked.statuses[500] + tally.statuses[500],
            "requests_after_release_ok": sum(tally.statuses[s] for s in (200, 302, 429)),
            "posts_acknowledged_while_blocked": len(blocked.acknowledged),
        },
    )
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "demorou demais" in page.text
    assert figures["errors_500"] == 0 and figures["clean_503"] >= 1
    assert tally.failures == [] and figures["requests_after_release_ok"] == tally.sent
    assert lost_posts(tally) == 0


@pytest.fixture
def effect_tables():
    tasks.create_tables()
    yield
    tasks.drop_tables()


def _rows(table: str, key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE key = %s", [key])
        return cursor.fetchone()[0]


def test_a_worker_killed_mid_task_finishes_it_exactly_once_after_restart(effect_tables):
    queue, key = f"reliability-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    env = server_env(database_url=processes.test_database_url(), redis_url="", broker_url=app.conf.broker_url)
    worker = Worker(env, queue, settings="reliability.settings").start()
    try:
        result = app.send_task("reliability.mark_once", args=[key, 3], queue=queue)
        deadline = time.monotonic() + 60
        while _rows(tasks.ATTEMPTS, key) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        worker.kill()  # SIGKILL while the task sleeps: its message was never acknowledged
        killed_before_effect = _rows(tasks.EFFECTS, key) == 0
        worker.start()
        assert result.get(timeout=90) == key
    finally:
        worker.stop()
    figures = report(
        "celery worker killed mid-task",
        {"tasks_sent": 1, "attempts": _rows(tasks.ATTEMPTS, key), "effects": _rows(tasks.EFFECTS, key)},
    )
    assert killed_before_effect
    assert figures["attempts"] == 2 and figures["effects"] == 1
