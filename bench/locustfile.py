"""Locust scenarios, run by bench/run.py as their own processes.

- `Reader`: the mixed scenario. Half the readers are anonymous, half logged in (sessions made
  up front, see bench/probe.py). Anonymous readers only read; logged-in readers read 60% of
  the time and write 40% (shelf, progress, review, post, vote): about 80/20 overall. Each
  reader thinks for BENCH_THINK seconds on average between two actions.
- `LongTail`: readers wandering over the whole catalog (bench/capacity.py's capacity curve).
- `Saturate`: one page (BENCH_PAGE) as fast as the server answers, no think time; for the
  ceiling views and for each hot page's throughput.

Expected answers count as successes (200, the redirect after a POST, 409 for a second review
of the same book, 422 for a vote on one's own post). A 429 is reported as a failure named
"429 rate limited" so the report can count it apart from real errors.
"""

import json
import os
import random

import gevent
from locust import FastHttpUser, between, constant, events, task

ENVIRONMENT = None
SPAWNED: list[int] = []
FIXTURES = json.loads(open(os.environ.get("BENCH_FIXTURES", "fixtures.json")).read())  # noqa: SIM115
THINK = float(os.environ.get("BENCH_THINK", "30"))
SUMMARY = os.environ.get("BENCH_SUMMARY")  # where to write the final figures (JSON)

READS = {"home": 20, "catalog search": 15, "book": 25, "debates list": 15, "topic": 20, "profile": 5}
WRITES = {"shelf": 30, "progress": 20, "review": 10, "post": 15, "vote": 25}
WRITE_SHARE = 0.4  # of a logged-in reader's actions
LONG_TAIL_SIGNED_IN = 0.3  # share of logged-in readers in the long-tail scenario
SHELVES = ["want_to_read", "reading", "read", "favorites"]
ERROR_KINDS = ("rate_limited", "errors", "server_errors", "no_response")


def _check(response, ok=(200,)):
    if response.status_code in ok:
        response.success()
    elif response.status_code == 429:
        response.failure("429 rate limited")
    elif response.status_code >= 500:
        response.failure(f"{response.status_code} server error")
    elif response.status_code == 0:
        response.failure("no response (timeout or connection refused)")
    else:
        response.failure(f"{response.status_code} unexpected")


class Reader(FastHttpUser):
    wait_time = between(THINK * 0.5, THINK * 1.5)

    def on_start(self):
        # Readers arrive spread over one think time, not all at the instant they are spawned.
        gevent.sleep(random.uniform(0, THINK))
        self.session = None
        if random.random() < 0.5 and FIXTURES["readers"]:
            self.session = random.choice(FIXTURES["readers"])
        self.headers = {}
        if self.session:
            cookies = f"sessionid={self.session['sessionid']}; csrftoken={self.session['csrftoken']}"
            self.headers = {"Cookie": cookies}

    def get(self, name: str, url: str):
        with self.client.get(url, name=name, headers=self.headers, catch_response=True) as response:
            _check(response)

    def post(self, name: str, url: str, data: dict, ok=(200, 302)):
        # htmx requests answer with the new fragment instead of a redirect and a second page.
        headers = {**self.headers, "X-CSRFToken": self.session["csrftoken"], "HX-Request": "true"}
        with self.client.post(
            url, data=data, name=name, headers=headers, catch_response=True, allow_redirects=False
        ) as response:
            _check(response, ok)

    @task
    def act(self):
        if self.session and random.random() < WRITE_SHARE:
            action = random.choices(list(WRITES), weights=WRITES.values())[0]
            getattr(self, "write_" + action)()
        else:
            page = random.choices(list(READS), weights=READS.values())[0]
            self.get(page, self.read_url(page))

    def read_url(self, page: str) -> str:
        if page == "home":
            return "/"
        if page == "catalog search":
            return f"/livros/?q={random.choice(FIXTURES['search_words'])}"
        if page == "book":
            return f"/livros/{_popular(FIXTURES['books'])}/"
        if page == "debates list":
            pages = FIXTURES["topic_list_pages"]
            return "/debates/" if pages < 2 or random.random() < 0.8 else f"/debates/?page={random.randint(2, pages)}"
        if page == "topic":
            return f"/debates/{_popular(FIXTURES['topics'])}/"
        return f"/leitores/{random.choice(FIXTURES['profiles'])}/"

    def write_shelf(self):
        book = _popular(FIXTURES["books"])
        data = {"action": "add", "shelf_type": random.choice(SHELVES), "custom_name": ""}
        self.post("shelf (POST)", f"/leitores/livro/{book}/estante/", data)

    def write_progress(self):
        if not self.session["progress"]:
            return self.write_shelf()
        pk, total = random.choice(self.session["progress"])
        data = {"current_page": random.randint(0, max(0, total - 1)), "total_pages": total}
        self.post("progress (POST)", f"/leitores/progresso/{pk}/atualizar/", data)

    def write_review(self):
        book = random.choice(FIXTURES["books"])
        data = {"rating": random.choice(["3", "3.5", "4", "4.5", "5"]), "title": "", "text": "Gostei."}
        data |= {"would_recommend": "on", "visibility": "public"}
        self.post("review (POST)", f"/leitores/livro/{book}/resenha/", data, ok=(200, 302, 409))

    def write_post(self):
        topic = _popular(FIXTURES["topics"])
        data = {"content": "Concordo em parte: o final me pareceu apressado, mas vale a leitura."}
        self.post("post (POST)", f"/debates/{topic}/responder/", data)

    def write_vote(self):
        post = random.choice(FIXTURES["posts"])
        # 422: the reader wrote that post (one cannot vote on one's own); a valid refusal.
        data = {"value": random.choice(["1", "-1"])}
        self.post("vote (POST)", f"/debates/mensagens/{post}/votar/", data, ok=(200, 302, 422))


def _popular(items: list):
    """Skewed towards the head of the list (ordered by popularity), as real traffic is."""
    return items[min(len(items) - 1, int(random.paretovariate(1.2)) - 1)]


class LongTail(FastHttpUser):
    """The long-tail reader: books, topics and profiles drawn uniformly over the whole data set
    (not the popular few), LONG_TAIL_SIGNED_IN of readers logged in, reads only; logged-in
    page views are named "<page> (logged in)" so they are reported apart."""

    wait_time = between(THINK * 0.5, THINK * 1.5)

    def on_start(self):
        gevent.sleep(random.uniform(0, THINK))
        self.headers, self.suffix = {}, ""
        if random.random() < LONG_TAIL_SIGNED_IN and FIXTURES["readers"]:
            session = random.choice(FIXTURES["readers"])
            self.headers = {"Cookie": f"sessionid={session['sessionid']}; csrftoken={session['csrftoken']}"}
            self.suffix = " (logged in)"

    @task
    def read(self):
        page = random.choices(list(READS), weights=READS.values())[0]
        tail = FIXTURES["tail"].get(page)
        url = random.choice(tail) if tail else Reader.read_url(self, page)
        with self.client.get(url, name=page + self.suffix, headers=self.headers, catch_response=True) as response:
            _check(response)


class Saturate(FastHttpUser):
    wait_time = constant(0)
    page = os.environ.get("BENCH_PAGE", "ceiling redis")

    @task
    def hit(self):
        url = random.choice(FIXTURES["hot"][self.page])
        with self.client.get(url, name=self.page, catch_response=True) as response:
            _check(response)


@events.init.add_listener
def _keep_environment(environment, **_kwargs):
    global ENVIRONMENT
    ENVIRONMENT = environment


@events.spawning_complete.add_listener
def _spawned(user_count, **_kwargs):
    SPAWNED.append(user_count)


@events.quit.add_listener
def _write_summary(**_kwargs):
    """The final figures per request name (Locust's CSV can lag the end of a short run by a second)."""
    if not SUMMARY:
        return
    stats = ENVIRONMENT.runner.stats
    errors: dict[str, dict[str, int]] = {}
    for error in stats.errors.values():
        counts = errors.setdefault(error.name, dict.fromkeys(ERROR_KINDS, 0))
        text = str(error.error)
        counts["rate_limited" if "429" in text else "errors"] += error.occurrences
        counts["server_errors"] += error.occurrences if "server error" in text else 0
        counts["no_response"] += error.occurrences if "no response" in text else 0
    pages = {}
    for entry in [*stats.entries.values(), stats.total]:
        name = entry.name if entry is not stats.total else "Aggregated"
        if entry is stats.total:
            counts = {key: sum(c[key] for c in errors.values()) for key in ERROR_KINDS}
        else:
            counts = errors.get(entry.name, dict.fromkeys(ERROR_KINDS, 0))
        pages[name] = {
            "requests": entry.num_requests,
            "rps": round(entry.total_rps, 1),
            **{f"p{int(q * 100)}_ms": entry.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99)},
            "avg_ms": round(entry.avg_response_time, 1),
            "avg_bytes": round(entry.avg_content_length),
            **counts,
        }
    with open(SUMMARY, "w") as handle:
        json.dump({"pages": pages, "users_spawned": max(SPAWNED, default=0)}, handle)
