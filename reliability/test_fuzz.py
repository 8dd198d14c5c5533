"""Every page and form that a visitor, a reader and a moderator can reach, and every API write,
with hostile values: no answer is a 5xx. Runs on PostgreSQL (`make test`) and on SQLite
(`make test-embedded`); what it covers is in docs/reliability.md."""

import json
import re
from urllib.parse import quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

from accounts import services as accounts_services
from catalog.tests.factories import AuthorFactory, BookFactory, CategoryFactory, TagFactory
from core.tests.factories import UserFactory
from debates import services as debates_services
from library import services as library_services
from library.tests.conftest import fixture_bytes
from moderation import services as moderation_services
from reliability.crawl import HOSTILE, HOSTILE_NEXT, Site, crawl, view_name, with_query

pytestmark = pytest.mark.django_db
ROLES = ("reader", "moderator", "anonymous")  # forms and pages are fuzzed by the first role that finds them
# Path parts replaced in each page's URL: a NUL, a superscript digit, a number out of range.
HOSTILE_PATH = ["%00", quote("²"), "99999999999999999999", "-1"]
DEEP_JSON = ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000, "[" * 200 + "]" * 200]


@pytest.fixture
def world(settings):
    """A small site with one of everything: books, shelves, a review, a debate with a reply,
    reports for the moderator, notifications, an import and a reading goal."""
    # Rate limits off, so that every submission reaches the code behind them (a 429, wherever
    # it comes from, has its own tests in core/tests/test_bad_input.py).
    settings.RATELIMITS = {name: "1000000/h" for name in settings.RATELIMITS}
    settings.ACCOUNT_RATE_LIMITS = False
    settings.DEBATES_POST_MIN_INTERVAL_SECONDS = 0
    reader, other = UserFactory(username="leitora"), UserFactory(username="outro")
    moderator = UserFactory(username="moderadora", is_staff=True)
    author = AuthorFactory()
    book = BookFactory(authors=[author], title="Dom Casmurro")
    book.categories.add(CategoryFactory())
    book.tags.add(TagFactory())
    shelf = accounts_services.shelf_add(user=reader, book=book, shelf_type="custom", custom_name="Clássicos")
    progress = accounts_services.progress_start(user=reader, book=book, total_pages=300)
    review = accounts_services.review_create(user=reader, book=book, rating=4, title="Bom", text="Gostei")
    other_review = accounts_services.review_create(user=other, book=book, rating=3, text="Ok")
    topic = debates_services.topic_create(book=book, creator=other, title="Capitu traiu?", first_post="Acho que não")
    post = topic.posts.get()
    reply = debates_services.post_create(topic=topic, author=reader, content="Traiu", parent_id=post.pk)
    debates_services.post_create(topic=topic, author=other, content="@leitora não", parent_id=reply.pk)
    moderation_services.report_create(post=post, reporter=reader, reason="spam")
    moderation_services.review_report_create(review=other_review, reporter=reader, reason="spoiler")
    library_services.import_job_create(
        user=reader, file_name="goodreads.csv", data=fixture_bytes("goodreads_sample.csv")
    )
    library_services.goal_set(user=reader, year=2026, books=12)
    users = {"reader": reader, "moderator": moderator, "anonymous": None}
    ids = {  # the API's collections → an object of each (path parameters come after the collection)
        "books": book.slug,
        "authors": author.slug,
        "topics": topic.slug,
        "posts": post.pk,
        "reviews": review.pk,
        "shelves": shelf.pk,
        "progress": progress.pk,
        "readers": other.username,
    }
    seeds = ["/", book.get_absolute_url(), topic.get_absolute_url(), f"/leitores/{reader.username}/"]
    return {"users": users, "ids": ids, "seeds": seeds}


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)  # a view's exception is a 500 to count, not a crash
    if user is not None:
        client.force_login(user)
    return client


def plain_routes() -> list[str]:
    """Every page without a path parameter: crawl seeds beside the links."""
    routes, stack = [], [("/", get_resolver())]
    while stack:
        prefix, resolver = stack.pop()
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                stack.append((route, pattern))
            elif not re.search(r"[<(^$]", route):
                routes.append(route)
    return routes


class Failures(list):
    def check(self, response, method: str, url: str, detail: str = "") -> None:
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            cause = f"{exc[0].__name__}: {str(exc[1])[:80]}" if exc else ""
            self.append(f"{response.status_code} {method} {url[:90]} {detail[:60]} {cause}")

    def report(self) -> str:
        return f"{len(self)} failures:\n" + "\n".join(sorted(set(self))[:40])


def fuzz_page(client, view: str, url: str, params: set[str], failures: Failures) -> None:
    """Hostile values in each query parameter seen on links to the page (and `pagina`, `page`, `next`),
    and in each part of the path that names an object."""
    for name in sorted(params | {"pagina", "page", "next"}):
        for value in HOSTILE_NEXT if name == "next" else HOSTILE:
            failures.check(client.get(with_query(url, **{name: value})), "GET", url, f"{name}={value[:12]!r}")
    path = urlsplit(url).path
    for value in map(str, resolve(path).kwargs.values()):
        for hostile in HOSTILE_PATH:
            hostile_url = path.replace(f"/{quote(value)}/", f"/{hostile}/", 1)
            failures.check(client.get(hostile_url), "GET", hostile_url)


def fuzz_form(client, form, failures: Failures) -> None:
    """Each field in turn (and a `next`) gets each hostile value, the others keep the page's values."""
    files = {name: SimpleUploadedFile("biblioteca.csv", b"Title\x00\xff\n" * 10) for name in form.files}
    for name in [*form.fields, *(["next"] if "next" not in form.fields else [])]:
        for value in HOSTILE_NEXT if name == "next" else HOSTILE:
            data = {**form.fields, name: value}
            if form.method == "post":
                response = client.post(form.action, {**data, **files})
            else:
                response = client.get(with_query(form.action, **data))
            failures.check(response, form.method.upper(), form.action, f"{name}={value[:12]!r}")


def test_no_page_or_form_answers_a_server_error(world):
    failures, site, fuzzed = Failures(), Site(), set()
    seeds = world["seeds"] + plain_routes()
    for role in ROLES:
        user = world["users"][role]
        client = client_for(user)
        failures.extend(crawl(client, seeds, site))
        for view, urls in site.pages.items():
            if ("page", view) not in fuzzed:
                fuzzed.add(("page", view))
                fuzz_page(client, view, urls[0], site.params.get(view, set()), failures)
        for key, (_view, form) in site.forms.items():
            if key not in fuzzed:
                fuzzed.add(key)
                fuzz_form(client_for(user), form, failures)  # a fresh session: a form may change it
    print(f"{len(site.pages)} kinds of page, {len(site.forms)} forms")
    assert len(site.pages) >= 25 and len(site.forms) >= 20, (sorted(site.pages), len(site.forms))
    assert not failures, failures.report()


def api_writes(ids: dict) -> list[tuple[str, str, list[str]]]:
    """(method, url, body fields) of every API write in the OpenAPI schema, on existing objects."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    writes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            url = re.sub(r"([\w-]+)/\{\w+\}", lambda m: f"{m[1]}/{ids[m[1]]}", path)  # a KeyError: add to `ids`
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = body.get("$ref", "").rsplit("/", 1)[-1]
            writes.append((method, url, sorted(components.get(ref, {}).get("properties", {}))))
    return writes


def test_every_api_write_answers_hostile_json_with_a_json_4xx(world):
    client = client_for(world["users"]["reader"])
    failures, writes = Failures(), api_writes(world["ids"])
    assert len(writes) >= 8, writes
    for method, url, fields in writes:
        send = getattr(client, method)
        for body in DEEP_JSON:
            response = send(url, body, content_type="application/json")
            failures.check(response, method.upper(), url, f"nested {body[:5]}…")
            if fields and response.status_code != 400:  # an endpoint that reads no body may ignore it
                failures.append(f"{response.status_code} {method.upper()} {url}: deep JSON is not a 400")
            if response["Content-Type"] != "application/json":
                failures.append(f"{method.upper()} {url}: deep JSON answered with {response['Content-Type']}")
        for name in fields:
            for value in [*HOSTILE, 10**30, -(2**63), [], {"a": 1}, None]:
                response = send(url, json.dumps({name: value}), content_type="application/json")
                failures.check(response, method.upper(), url, f"{name}={str(value)[:12]!r}")
    assert not failures, failures.report()


def test_the_crawl_finds_pages_by_their_url_pattern():
    assert view_name("/livros/") == "catalog:book_list"
    assert view_name("https://example.com/livros/") is None
    assert view_name("/admin/") is None
