"""What each middleware costs per request, in-process: `python -m bench.middleware [--requests N]`.

Runs the site's one-Redis-GET view through Django's WSGI handler (no HTTP, no gunicorn)
with the first 0, 1, 2… entries of MIDDLEWARE (so each runs with those it depends on), and
with Django's `startproject` defaults; a middleware's cost is what adding it adds.
Anonymous (no cookie) and logged in (a session cookie) requests. CPU time of this process,
so the figures hold on a busy box better than req/s do.
"""

import argparse
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402

from bench.django_defaults import STARTPROJECT_MIDDLEWARE  # noqa: E402

PATH = "/__bench__/redis/"


def _cpu_per_request(middleware: list[str], cookie: str, requests: int, rounds: int = 5) -> float:
    """Median over `rounds` of the mean CPU milliseconds per request."""
    with override_settings(MIDDLEWARE=middleware):
        handler = WSGIHandler()
        environ = RequestFactory()._base_environ(PATH_INFO=PATH, REQUEST_METHOD="GET", HTTP_COOKIE=cookie)

        def one():
            response = handler(dict(environ), lambda status, headers: None)
            response.close()

        for _ in range(50):
            one()
        samples = []
        for _ in range(rounds):
            started = time.process_time()
            for _ in range(requests):
                one()
            samples.append((time.process_time() - started) * 1000 / requests)
    return statistics.median(samples)


def _session_cookie() -> str:
    client = Client()
    client.force_login(get_user_model().objects.filter(is_active=True).order_by("pk").first())
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    full = list(settings.MIDDLEWARE)
    for who, cookie in (("anonymous", ""), ("logged in", _session_cookie())):
        base = _cpu_per_request(full, cookie, args.requests)
        bare = _cpu_per_request(STARTPROJECT_MIDDLEWARE, cookie, args.requests)
        print(f"\n{who}: all middleware {base:.3f} ms/request; Django's defaults {bare:.3f} ms")
        print("| middleware | ms it adds |\n|---|---|")
        previous = _cpu_per_request([], cookie, args.requests)
        print(f"| (none: handler, URL resolution, the view) | {previous:.3f} |")
        for i, name in enumerate(full, start=1):
            with_it = _cpu_per_request(full[:i], cookie, args.requests)
            print(f"| {name} | {with_it - previous:.3f} |")
            previous = with_it


if __name__ == "__main__":
    main()
