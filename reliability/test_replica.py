"""A real streaming replica: page reads go to it, writes and a writer's next reads to the
primary, and a lagging or stopped replica leaves the reads to the primary without an error.

The cluster is private (initdb + pg_basebackup -R on free ports), migrated and seeded once;
each gunicorn node reads its replica settings from the environment, as in production.
"""

import json
import os
import subprocess
import sys
import time

import pytest

from core.replica import REPLICA, PrimaryReplicaRouter
from core.tests import processes
from reliability.nodes import Browser, start_node, stop_nodes

pytestmark = pytest.mark.slow

READ_YOUR_WRITES_SECONDS = 3
READER, PASSWORD = "leitor00001", "demo12345"


class Stack:
    def __init__(self, pair: processes.PostgresWithReplica):
        self.pair = pair
        self.nodes: list = []

    def manage(self, *args: str) -> None:
        env = {"DATABASE_URL": self.pair.primary_url, "DATABASE_REPLICA_URL": self.pair.replica_url}
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=processes.ROOT,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )

    def node(self, **settings: str) -> str:
        port = processes.free_port()
        env = {
            "DATABASE_REPLICA_URL": self.pair.replica_url,
            "PAGE_CACHE_SECONDS": "0",  # every read below reaches a database
            "READ_YOUR_WRITES_SECONDS": str(READ_YOUR_WRITES_SECONDS),
            "REPLICA_CHECK_SECONDS": "0.2",
            "REPLICA_MAX_LAG_SECONDS": "3600",
        }
        self.nodes.append(start_node(port, self.pair.primary_url, **(env | settings)))
        processes.wait_for_port(port, timeout=30)
        return f"http://127.0.0.1:{port}"

    def unshelved_book(self, reader: str, skip: int = 0) -> tuple[str, str]:
        """(slug, title) of a book with a plain title that `reader` has on no shelf."""
        return self.pair.sql(
            "primary",
            f"""SELECT b.slug, b.title FROM catalog_book b
                WHERE b.title ~ '^[A-Za-z ]+$' AND NOT EXISTS (
                  SELECT 1 FROM accounts_bookshelf s JOIN auth_user u ON u.id = s.user_id
                  WHERE s.book_id = b.id AND u.username = '{reader}')
                ORDER BY b.id OFFSET {skip} LIMIT 1""",
        )


@pytest.fixture(scope="module")
def stack():
    with processes.PostgresWithReplica() as pair:
        stack = Stack(pair)
        stack.manage("migrate", "--noinput")
        stack.manage("import_goodbooks", "data/sample")
        stack.manage("seed_demo", "--users", "3", "--topics", "2", "--posts", "4")
        pair.sql("primary", "DELETE FROM accounts_shelfvisibility")  # every shelf public
        try:
            yield stack
        finally:
            stop_nodes(stack.nodes)


def shelf_url(base: str) -> str:
    return f"{base}/leitores/{READER}/estantes/?estante=want_to_read"


def shelve(browser: Browser, base: str, slug: str) -> None:
    status, _body, _headers, url = browser.post(
        f"{base}/leitores/livro/{slug}/estante/", {"action": "add", "shelf_type": "want_to_read"}
    )
    assert status == 200 and url.endswith(f"/livros/{slug}/"), (status, url)


def readyz(base: str) -> dict:
    status, body, *_ = Browser().get(f"{base}/readyz")
    assert status == 200, body  # a replica problem never makes the node unready
    return json.loads(body)["replica"]


def test_migrations_run_on_the_primary_and_reach_the_replica_by_streaming(stack):
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("default", "catalog") and not router.allow_migrate(REPLICA, "catalog")
    stack.pair.wait_replica_caught_up()
    assert stack.pair.sql("replica", "SELECT pg_is_in_recovery()")[0] is True
    assert stack.pair.sql("replica", "SELECT count(*) FROM catalog_book")[0] == 500


def test_reads_go_to_the_replica_and_a_writer_reads_their_own_writes(stack):
    base = stack.node()
    slug, title = stack.unshelved_book(READER)
    writer = Browser()
    writer.log_in(base, READER, PASSWORD)
    stack.pair.wait_replica_caught_up()
    stack.pair.sql("replica", "SELECT pg_wal_replay_pause()")
    try:
        shelve(writer, base, slug)
        assert title in writer.get(shelf_url(base))[1]  # the writer reads the primary
        status, page, *_ = Browser().get(shelf_url(base))
        assert status == 200 and title not in page  # others read the paused replica
        time.sleep(READ_YOUR_WRITES_SECONDS + 0.5)
        assert title not in writer.get(shelf_url(base))[1]  # the writer is back on the replica
    finally:
        stack.pair.sql("replica", "SELECT pg_wal_replay_resume()")
    stack.pair.wait_replica_caught_up()
    assert title in Browser().get(shelf_url(base))[1]
    assert readyz(base)["state"] == "ok"


def test_a_lagging_replica_leaves_the_reads_to_the_primary_and_says_so(stack):
    base = stack.node(REPLICA_MAX_LAG_SECONDS="1")
    slug, title = stack.unshelved_book(READER, skip=1)
    writer = Browser()
    writer.log_in(base, READER, PASSWORD)
    stack.pair.wait_replica_caught_up()
    assert readyz(base)["state"] == "ok"
    stack.pair.sql("replica", "SELECT pg_wal_replay_pause()")
    try:
        shelve(writer, base, slug)
        time.sleep(1.5)
        assert title in Browser().get(shelf_url(base))[1]  # a stranger reads the primary
        replica = readyz(base)
        assert replica["state"] == "lagging" and replica["lag_seconds"] > 1 and not replica["serving_reads"]
        metrics = Browser().get(f"{base}/metrics")[1]
        assert "cgbookstore_replica_in_use 0.0" in metrics
        assert 'cgbookstore_replica_fallbacks_total{reason="lagging"}' in metrics
    finally:
        stack.pair.sql("replica", "SELECT pg_wal_replay_resume()")
    stack.pair.wait_replica_caught_up()
    time.sleep(0.3)
    assert readyz(base)["state"] == "ok"


def test_a_stopped_replica_costs_no_request(stack):
    # Checked rarely, so the first requests after the stop meet the dead replica mid-request.
    base = stack.node(REPLICA_CHECK_SECONDS="3600")
    reader = Browser()
    reader.log_in(base, READER, PASSWORD)
    time.sleep(READ_YOUR_WRITES_SECONDS + 0.5)  # the login's write no longer pins the primary
    pages = ["/", "/livros/", "/debates/", f"/leitores/{READER}/", shelf_url("")]
    assert all(Browser().get(base + page)[0] == 200 for page in pages)
    stack.pair.stop("replica")
    try:
        answers = [browser.get(base + page)[0] for page in pages * 4 for browser in (Browser(), reader)]
        assert answers == [200] * len(answers)
        assert readyz(base)["state"] == "down"
        assert 'cgbookstore_replica_fallbacks_total{reason="error"}' in Browser().get(f"{base}/metrics")[1]
    finally:
        stack.pair.start("replica")
