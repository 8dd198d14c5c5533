"""In-process measurements against the bench database: `python -m bench.probe <command> <out>`.

Run by the runner with DJANGO_SETTINGS_MODULE=bench.settings and the bench environment.
- `fixtures`: URLs, logged-in sessions (created up front: hashing 10,000 passwords through
  the login form would measure PBKDF2, not the site) and ids the Locust scenario needs.
- `pages`: per page, SQL query count and time with a cold cache (the bench cache DB emptied)
  and with a warm one, through Django's test client (no HTTP, no gunicorn).
- `cold`: CPU of this process per long-tail book, topic and profile page, and per home page
  (a reader's dashboard), nothing cached; and for a returning reader, whose session, user
  and cached facts are warm from another page.
- `profile <page>`: pyinstrument over warm requests of one page; the text tree is saved.
- `growth`: debates list and the biggest topic's first and last pages, cold and warm.
"""

import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.cached_db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402
from django_redis import get_redis_connection  # noqa: E402

from accounts.models import ReadingProgress  # noqa: E402
from bench import feed as bench_feed  # noqa: E402
from catalog.models import Book  # noqa: E402
from debates.models import DebatePost, DebateTopic  # noqa: E402

HOT = 20  # URLs per page in the saturation runs: a realistic spread, still all warm
SEARCH_WORDS = ["amor", "harry", "guerra", "king", "historia", "life", "night", "world", "love", "dark"]


def flush_bench_cache() -> None:
    """Empty the bench cache DB (a Redis DB of its own; no other data lives there)."""
    db = get_redis_connection("default").connection_pool.connection_kwargs.get("db", 0)
    if db < 10:
        raise SystemExit(f"refusing to FLUSHDB Redis database {db}: the bench uses 10 and up")
    get_redis_connection("default").flushdb()


def _demo_users():
    return get_user_model().objects.filter(username__startswith="leitor", is_active=True).order_by("pk")


def fixtures(out: Path, sessions: int) -> None:
    rng = random.Random(7)
    books = list(Book.objects.order_by("-ratings_count").values_list("slug", flat=True)[:2000])
    topics = list(
        DebateTopic.objects.filter(is_locked=False).order_by("-posts_count").values_list("slug", flat=True)[:1000]
    )
    posts = list(DebatePost.objects.order_by("?").values_list("pk", flat=True)[:5000])
    profiles = list(_demo_users().values_list("username", flat=True)[:2000])
    readers = []
    for user in _demo_users()[:sessions]:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        readers.append(
            {
                "username": user.username,
                "sessionid": store.session_key,
                "csrftoken": get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS),
                "progress": [],
            }
        )
    by_name = {reader["username"]: reader for reader in readers}
    progress = ReadingProgress.objects.filter(
        user__username__in=by_name, finished_at__isnull=True, is_abandoned=False
    ).values_list("user__username", "pk", "total_pages")
    for username, pk, total in progress:
        by_name[username]["progress"].append([pk, total])
    bench_feed.prepare([reader["username"] for reader in readers])
    hot = {
        "home": ["/"],
        "catalog search": [f"/livros/?q={word}" for word in SEARCH_WORDS],
        "book": [f"/livros/{slug}/" for slug in books[:HOT]],
        "debates list": ["/debates/"],
        "topic": [f"/debates/{slug}/" for slug in topics[:HOT]],
        "profile": [f"/leitores/{name}/" for name in profiles[:HOT]],
        "ceiling trivial": ["/__bench__/trivial/"],
        "ceiling redis": ["/__bench__/redis/"],
    }
    rng.shuffle(posts)
    # The long tail: every book, topic and reader, drawn uniformly (not the popular few).
    tail = {
        "book": [f"/livros/{slug}/" for slug in Book.objects.values_list("slug", flat=True)],
        "topic": [f"/debates/{slug}/" for slug in DebateTopic.objects.values_list("slug", flat=True)],
        "profile": [f"/leitores/{name}/" for name in _demo_users().values_list("username", flat=True)],
    }
    for urls in tail.values():
        rng.shuffle(urls)
    data = {
        "books": books,
        "topics": topics,
        "posts": posts,
        "profiles": profiles,
        "search_words": SEARCH_WORDS,
        "topic_list_pages": min(5, -(-DebateTopic.objects.count() // settings.DEBATES_PAGE_SIZE)),
        "readers": readers,
        "hot": hot,
        "tail": tail,
        "feed": [bench_feed.PATH],  # logged in only (bench/feed.py), so not among the hot pages
        # Each session's own profile, in the order of `readers` (a row pairs them).
        "own_profiles": [f"/leitores/{reader['username']}/" for reader in readers],
    }
    out.write_text(json.dumps(data))
    print(f"fixtures: {len(books)} books, {len(topics)} topics, {len(readers)} sessions", file=sys.stderr)


def _timed_get(client: Client, url: str) -> tuple[float, int, int, int]:
    """(milliseconds, SQL queries, status, bytes) of one request."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries), response.status_code, len(response.content)


def _cold_warm(client: Client, url: str, samples: int) -> dict:
    flush_bench_cache()
    cold_ms, cold_queries, status, size = _timed_get(client, url)
    warm = [_timed_get(client, url) for _ in range(samples)]
    warm_ms = statistics.median(sample[0] for sample in warm)
    return {
        "url": url,
        "status": status,
        "bytes": size,
        "cold_ms": round(cold_ms, 2),
        "cold_queries": cold_queries,
        "warm_ms": round(warm_ms, 2),
        "warm_queries": warm[-1][1],
        "warm_over_cold": round(warm_ms / cold_ms, 3) if cold_ms else None,
        "time_saved": round(1 - warm_ms / cold_ms, 3) if cold_ms else None,
    }


def _page_urls(fx: dict) -> dict[str, str]:
    return {name: urls[0] for name, urls in fx["hot"].items() if not name.startswith("ceiling")}


def pages(out: Path, fixtures_path: Path, samples: int) -> None:
    fx = json.loads(fixtures_path.read_text())
    anonymous = Client()
    reader = Client()
    reader.force_login(_demo_users().first())
    # One request first so that imports, template loading and connections are not "cold cache".
    for client in (anonymous, reader):
        client.get("/__bench__/trivial/")
    results = {}
    for name, url in _page_urls(fx).items():
        results[name] = {
            "anonymous": _cold_warm(anonymous, url, samples),
            "logged_in": _cold_warm(reader, url, samples),
        }
    out.write_text(json.dumps(results, indent=2))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cold(out: Path, fixtures_path: Path, requests: int) -> None:
    """CPU of this process per cold page (the cache emptied before each request), over
    long-tail URLs: what the first reader of any book, topic or profile costs, and a reader's
    dashboard with none of their sections cached."""
    fx = json.loads(fixtures_path.read_text())
    anonymous, reader = Client(), Client()
    reader.force_login(_demo_users().first())
    for client in (anonymous, reader):  # imports, templates and connections are not "cold cache"
        client.get("/__bench__/trivial/")
        client.get(fx["tail"]["book"][-1])
    results = {}
    for page in ("book", "topic", "profile", "home"):
        results[page] = {}
        kinds = (("anonymous", anonymous), ("logged_in", reader), ("returning_reader", reader))
        for kind, client in kinds:
            cpu, wall, queries, sizes = [], [], [], []
            # The home page: the reader's dashboard with none of their sections cached.
            urls = ["/"] * (requests + 1) if page == "home" else fx["tail"][page][: requests + 1]
            books = fx["tail"]["book"]
            for at, (before, url) in enumerate(zip(urls, urls[1:], strict=False)):
                flush_bench_cache()
                if kind == "returning_reader":  # their session, user and facts warm from another page
                    client.get(books[at % len(books)] if page == "home" else before)
                with CaptureQueriesContext(connection) as captured:
                    cpu0, wall0 = time.process_time(), time.perf_counter()
                    response = client.get(url)
                    cpu.append((time.process_time() - cpu0) * 1000)
                    wall.append((time.perf_counter() - wall0) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"cold {url}: {response.status_code}")
                queries.append(len(captured))
                sizes.append(len(response.content))
            results[page][kind] = {
                "requests": len(cpu),
                "cpu_ms_p50": round(statistics.median(cpu), 2),
                "cpu_ms_p90": round(_percentile(cpu, 0.9), 2),
                "wall_ms_p50": round(statistics.median(wall), 2),
                "queries_p50": statistics.median(queries),
                "bytes_p50": int(statistics.median(sizes)),
            }
    out.write_text(json.dumps(results, indent=2))


def profile(out: Path, fixtures_path: Path, page: str, requests: int) -> None:
    from pyinstrument import Profiler

    fx = json.loads(fixtures_path.read_text())
    urls = fx["hot"][page]
    client = Client()
    for url in urls:  # warm
        client.get(url)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for i in range(requests):
        client.get(urls[i % len(urls)])
    profiler.stop()
    # The call tree hides library frames; the flat list names the functions the time goes to.
    flat = cProfile.Profile()
    flat.enable()
    for i in range(requests // 4):
        client.get(urls[i % len(urls)])
    flat.disable()
    listing = io.StringIO()
    pstats.Stats(flat, stream=listing).strip_dirs().sort_stats("tottime").print_stats(30)
    tree = profiler.output_text(unicode=False, color=False, show_all=False)
    out.write_text(f"{page}, warm cache: call tree\n{tree}\n\nFunctions by own time\n{listing.getvalue()}")


def growth(out: Path, samples: int) -> None:
    client = Client()
    client.get("/__bench__/trivial/")
    biggest = DebateTopic.objects.order_by("-posts_count").first()
    # Topic pages are paginated by threads (top-level posts).
    threads = DebatePost.objects.filter(topic=biggest, parent__isnull=True).count()
    last_page = max(1, -(-threads // settings.POSTS_PAGE_SIZE))
    urls = {
        "debates list": "/debates/",
        "topic (first page)": f"/debates/{biggest.slug}/",
        "topic (last page)": f"/debates/{biggest.slug}/?page={last_page}",
    }
    counts = {
        "topics": DebateTopic.objects.count(),
        "posts": DebatePost.objects.count(),
        "biggest_topic_posts": biggest.posts_count,
        "books_with_topics": DebateTopic.objects.values("book").annotate(n=Count("pk")).count(),
    }
    results = {name: _cold_warm(client, url, samples) for name, url in urls.items()}
    out.write_text(json.dumps({"counts": counts, "pages": results}, indent=2))


def main(argv: list[str]) -> None:
    command, out = argv[0], Path(argv[1])
    if command == "fixtures":
        fixtures(out, sessions=int(argv[2]))
    elif command == "pages":
        pages(out, Path(argv[2]), samples=int(argv[3]))
    elif command == "cold":
        cold(out, Path(argv[2]), requests=int(argv[3]))
    elif command == "profile":
        profile(out, Path(argv[2]), page=argv[3], requests=int(argv[4]))
    elif command == "growth":
        growth(out, samples=int(argv[2]))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
