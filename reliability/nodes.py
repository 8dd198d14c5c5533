"""Web nodes for tests and benchmarks: gunicorn servers started from deploy/gunicorn.conf.py,
a round-robin proxy in front of them (what nginx does, reduced to forwarding in turn) and a
cookie-keeping browser."""

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

from core.tests.processes import ROOT

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class RoundRobinProxy(ThreadingHTTPServer):
    """What nginx does in front of the nodes, reduced to forwarding in turn (and naming the node)."""

    daemon_threads = True

    def __init__(self, upstreams: dict[str, int], port: int = 0):
        self.turns = itertools.cycle(upstreams.items())
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), ProxyHandler)

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


def start_node(port: int, database_url: str, **extra_env: str) -> subprocess.Popen:
    """One gunicorn node (one sync worker) on `port`; the rest of its settings from this
    process's environment (the same REDIS_URL, CACHE_KEY_PREFIX and SECRET_KEY), then `extra_env`."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "0",  # no idle connection may hold a test database at teardown
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "1",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        **extra_env,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "gunicorn", "cgbookstore.wsgi:application", "-c", "deploy/gunicorn.conf.py"]
    command.append("--no-control-socket")  # several masters on one machine
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


def stop_nodes(nodes: list[subprocess.Popen]) -> None:
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


if __name__ == "__main__":
    # `python -m reliability.nodes PORT NAME=PORT…`: the proxy as a process of its own (the
    # benchmark measures its CPU apart from the nodes').
    upstreams = dict(arg.split("=", 1) for arg in sys.argv[2:])
    RoundRobinProxy({name: int(port) for name, port in upstreams.items()}, int(sys.argv[1])).serve_forever()
