"""Web nodes are stateless: two gunicorn servers on one PostgreSQL and one Redis, behind a
round-robin proxy, share sessions, rate-limit counters and cache invalidation."""

import http.client
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from core.tests import processes
from core.tests.factories import UserFactory
from debates.tests.factories import DebateTopicFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class RoundRobinProxy(ThreadingHTTPServer):
    """What nginx does in front of the nodes, reduced to forwarding in turn (and naming the node)."""

    daemon_threads = True

    def __init__(self, upstreams: dict[str, int]):
        self.turns = itertools.cycle(upstreams.items())
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), ProxyHandler)

    def next_upstream(self) -> tuple[str, int]:
        with self.lock:
            return next(self.turns)


class ProxyHandler(BaseHTTPRequestHandler):
    def forward(self):
        name, port = self.server.next_upstream()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-For"] = self.client_address[0]
        upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("X-Upstream", name)
            self.end_headers()
            self.wfile.write(payload)
        finally:
            upstream.close()

    do_GET = do_POST = forward

    def log_message(self, *args):
        pass


def start_node(port: int) -> subprocess.Popen:
    env = {
        **os.environ,  # the same REDIS_URL, CACHE_KEY_PREFIX and SECRET_KEY as this test process
        "DATABASE_URL": processes.test_database_url(),
        "DB_CONN_MAX_AGE": "0",  # no idle connection may hold the test database at teardown
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "1",
        "RATELIMIT_DEBATES_LIST": "5/h",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "gunicorn", "cgbookstore.wsgi:application", "-c", "deploy/gunicorn.conf.py"]
    command.append("--no-control-socket")  # two masters on one machine
    return subprocess.Popen(command, cwd=processes.ROOT, env=env, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def cluster(django_db_setup):
    ports = {"A": processes.free_port(), "B": processes.free_port()}
    nodes = [start_node(port) for port in ports.values()]
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
        for node in nodes:
            node.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for node in nodes:
            try:
                node.wait(15)
            except subprocess.TimeoutExpired:
                node.kill()
                node.wait(5)


class Browser:
    """Cookies shared across ports (a cookie belongs to the host, as a browser keeps it)."""

    def __init__(self):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str):
        return self._open(urllib.request.Request(url))

    def post(self, url: str, data: dict):
        fields = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **data}
        return self._open(urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode()))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def _open(self, request):
        """(status, body, headers, final url), redirects followed, errors returned not raised."""
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), response.headers, response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers, error.url

    def log_in(self, base: str, username: str, password: str = "senha-forte-123") -> None:
        self.get(f"{base}/conta/login/")
        status, body, _headers, url = self.post(f"{base}/conta/login/", {"login": username, "password": password})
        errors = re.findall(r"<ul class=\"errorlist[^\"]*\">.*?</ul>", body, re.S)
        assert status == 200 and "/conta/login/" not in url, (status, url, errors)


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
