"""`make soak`: writes under load for SOAK_SECONDS while Redis and the Celery worker are
restarted periodically; afterwards every acknowledged write is looked up in the database.

    python -m reliability.soak            # 600 s on its own database `cgb_soak`
    SOAK_SECONDS=60 python -m reliability.soak

Prints the figures and writes them to test-artifacts/reliability/soak.json; exits 1 on any
5xx, lost write or dead process.
"""

import itertools
import json
import os
import sys
import threading
import time
import uuid

import requests

from reliability.stack import ARTIFACTS, Gunicorn, Reader, Redis, Tally, Worker, login_session, run_for, server_env

SHELF_TYPES = ["want_to_read", "reading", "read", "favorites"]


def seed(readers: int = 24, posts: int = 100) -> dict:
    from core.tests.factories import UserFactory
    from debates.tests.factories import DebatePostFactory, DebateTopicFactory

    topic = DebateTopicFactory(slug=f"soak-{uuid.uuid4().hex[:8]}")
    author = UserFactory()
    targets = DebatePostFactory.create_batch(posts, topic=topic, author=author)
    from catalog.tests.factories import BookFactory

    books = BookFactory.create_batch(20)
    users = UserFactory.create_batch(readers)
    return {
        "topic": topic.slug,
        "posts": [post.pk for post in targets],
        "books": [book.slug for book in books],
        "readers": [(user.username, login_session(user)) for user in users],
    }


def soak(*, seconds: float, database_url: str, data: dict, chaos_every: float = 60, threads: int = 8) -> dict:
    """Drives posts, votes and shelf writes; restarts Redis and the worker every `chaos_every` s."""
    tally, restarts, stop = Tally(), {"redis": 0, "worker": 0}, threading.Event()
    with Redis() as redis_server:
        env = server_env(
            database_url=database_url, redis_url=redis_server.url, CELERY_TASK_ALWAYS_EAGER="false",
            DJANGO_SETTINGS_MODULE="reliability.settings",
        )  # fmt: skip
        worker = Worker(env, "default,maintenance", settings="reliability.settings").start()
        try:
            with Gunicorn(env) as server:
                clients = [Reader(server.url, cookies, name) for name, cookies in data["readers"]]
                pairs = itertools.count()  # each (reader, post) votes once: a vote is never toggled away

                def chaos():
                    while not stop.wait(chaos_every):
                        redis_server.kill()
                        time.sleep(2)
                        redis_server.start()
                        restarts["redis"] += 1
                        worker.kill()
                        worker.start()
                        restarts["worker"] += 1

                def step(n: int) -> None:
                    reader = clients[n % len(clients)]
                    kind = n % 3
                    try:
                        if kind == 0:
                            content = f"soak {uuid.uuid4().hex}"
                            response = reader.post(f"/debates/{data['topic']}/responder/", data={"content": content})
                            tally.record(response, "post")
                            if response.status_code == 302:
                                tally.ack("post", content)
                        elif kind == 1 and (i := next(pairs)) < len(clients) * len(data["posts"]):
                            voter = clients[i % len(clients)]
                            post = data["posts"][i // len(clients)]
                            response = voter.post(f"/debates/mensagens/{post}/votar/", data={"value": "1"})
                            tally.record(response, "vote")
                            if response.status_code == 302:
                                tally.ack("vote", voter.username, post)
                        else:
                            book, shelf = data["books"][n % len(data["books"])], SHELF_TYPES[n % 4]
                            body = {"action": "add", "shelf_type": shelf}
                            response = reader.post(f"/leitores/livro/{book}/estante/", data=body)
                            tally.record(response, "shelf")
                            if response.status_code == 302:
                                tally.ack("shelf", reader.username, book, shelf)
                    except requests.RequestException as exc:
                        tally.record(None, "request", repr(exc))

                chaos_thread = threading.Thread(target=chaos, daemon=True)
                chaos_thread.start()
                started = time.monotonic()
                run_for(seconds, threads, step)
                stop.set()
                chaos_thread.join()
                elapsed = time.monotonic() - started
                alive = server.process.poll() is None and worker.process.poll() is None
        finally:
            worker.stop()
    lost = lost_writes(tally.acknowledged)
    figures = {
        "seconds": round(elapsed, 1),
        "requests": tally.sent,
        "requests_per_second": round(tally.sent / elapsed, 1),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "errors_5xx": tally.server_errors,
        "writes_acknowledged": len(tally.acknowledged),
        "writes_lost": len(lost),
        "redis_restarts": restarts["redis"],
        "worker_restarts": restarts["worker"],
        "processes_alive": alive,
        "first_failures": tally.failures[:10],
        "first_lost": [list(write) for write in lost[:10]],
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "soak.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    return figures


def lost_writes(acknowledged: list[tuple]) -> list[tuple]:
    """Every write the server acknowledged, looked up afterwards; returns those missing."""
    from accounts.models import BookShelf
    from debates.models import DebatePost, DebateVote

    posts = {c for (kind, c, *_rest) in acknowledged if kind == "post"}
    stored_posts = set(DebatePost.objects.filter(content__in=posts).values_list("content", flat=True))
    stored_votes = set(DebateVote.objects.filter(value=1).values_list("user__username", "post_id"))
    stored_shelves = set(BookShelf.objects.values_list("user__username", "book__slug", "shelf_type"))

    def stored(kind: str, key: list) -> bool:
        if kind == "post":
            return key[0] in stored_posts
        if kind == "vote":
            return tuple(key) in stored_votes
        # A status shelf moves the book (Quero ler → Lendo): the last status wins; favourites stay.
        statuses = {(key[0], key[1], other) for other in SHELF_TYPES[:3]}
        return tuple(key) in stored_shelves or (key[2] != "favorites" and bool(statuses & stored_shelves))

    return [write for write in acknowledged if not stored(write[0], list(write[1:]))]


def main() -> int:
    import django
    import psycopg
    from django.core.management import call_command

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cgbookstore").rsplit("/", 1)[0]
    database_url = f"{base}/cgb_soak"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS cgb_soak WITH (FORCE)")
        admin.execute("CREATE DATABASE cgb_soak")
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="reliability.settings")
    os.environ.setdefault("SECRET_KEY", "soak-only-not-a-secret")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")  # seeding enqueues nothing
    django.setup()
    call_command("migrate", "--noinput", "-v0")
    seconds = float(os.environ.get("SOAK_SECONDS", 600))
    print(f"soak: {seconds:.0f} s of writes with Redis and worker restarts", file=sys.stderr)
    figures = soak(seconds=seconds, database_url=database_url, data=seed(), chaos_every=min(60, seconds / 3))
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    ok = figures["errors_5xx"] == 0 and figures["writes_lost"] == 0 and figures["processes_alive"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
