"""Web nodes are stateless: two gunicorn servers on one PostgreSQL and one Redis, behind a
round-robin proxy, share sessions, rate-limit counters and cache invalidation."""

import re
import threading

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from core.tests import processes
from core.tests.factories import UserFactory
from debates.tests.factories import DebateTopicFactory
from reliability.nodes import Browser, RoundRobinProxy, start_node, stop_nodes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def cluster(django_db_setup):
    ports = {"A": processes.free_port(), "B": processes.free_port()}
    database_url = processes.test_database_url()
    nodes = [start_node(port, database_url, RATELIMIT_DEBATES_LIST="5/h") for port in ports.values()]
    proxy = RoundRobinProxy(ports)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        for port in ports.values():
            processes.wait_for_port(port, timeout=30)
            assert Browser().get(f"http://127.0.0.1:{port}/healthz")[0] == 200
        yield {name: f"http://127.0.0.1:{port}" for name, port in ports.items()} | {
            "proxy": f"http://127.0.0.1:{proxy.server_address[1]}"
        }
    finally:
        proxy.shutdown()
        proxy.server_close()
        stop_nodes(nodes)


def make_reader(username: str, password: str = "senha-forte-123"):
    """A user whose hash the servers can check (the test process hashes with fast MD5)."""
    hasher = PBKDF2PasswordHasher()
    user = UserFactory(username=username)
    user.password = hasher.encode(password, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


def test_a_session_made_on_one_node_is_valid_on_the_other(cluster):
    topic = DebateTopicFactory()
    make_reader("nodeuser")
    new_topic_page = f"/debates/novo/{topic.book.slug}/"
    browser = Browser()
    browser.log_in(cluster["A"], "nodeuser")
    status, body, _headers, url = browser.get(cluster["B"] + new_topic_page)
    assert status == 200 and url.endswith(new_topic_page)
    # A stranger without the cookie is sent to the login page by the same node.
    assert "/conta/login/" in Browser().get(cluster["B"] + new_topic_page)[3]


def test_a_rate_limit_counts_requests_to_both_nodes(cluster):
    browser = Browser()
    answers = [browser.get(cluster["proxy"] + "/debates/") for _ in range(7)]
    assert [status for status, *_ in answers] == [200] * 5 + [429] * 2
    assert [headers["X-Upstream"] for _s, _b, headers, _u in answers] == ["A", "B"] * 3 + ["A"]
    assert int(answers[-1][2]["Retry-After"]) > 0


def test_a_post_made_through_one_node_refreshes_the_cached_list_on_the_other(cluster):
    topic = DebateTopicFactory(title="Capitu traiu Bentinho")
    make_reader("writer")
    reader = Browser()
    before = reader.get(cluster["B"] + "/debates/")[1]  # B fills the shared cache
    assert "Capitu traiu Bentinho" in before and "0 mensagens" in before
    assert "0 mensagens" in reader.get(cluster["B"] + "/debates/")[1]  # served from the cache

    writer = Browser()
    writer.log_in(cluster["A"], "writer")
    status, body, *_ = writer.post(f"{cluster['A']}/debates/{topic.slug}/responder/", {"content": "Nunca saberemos."})
    assert status == 200 and "Nunca saberemos." in body

    after = reader.get(cluster["B"] + "/debates/")[1]
    assert re.search(r"\b1 mensagem\b", after), after
