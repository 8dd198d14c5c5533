"""The Content-Security-Policy holds on every page: a crawl in Chromium as a visitor, a
reader and a moderator, following the site's own links, with no violation in the console."""

from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from accounts.tests.factories import BookReviewFactory, BookShelfFactory, ReadingProgressFactory
from catalog.tests.factories import AuthorFactory, BookFactory, CategoryFactory
from core.tests.factories import UserFactory
from debates.tests.factories import DebatePostFactory, DebateTopicFactory
from e2e.browser import chromium_page, session_cookie

# Links a crawler must not follow: they act (log out), download, or are machine endpoints.
SKIP = ("/conta/logout/", "/admin/logout/", "/exportar/", "/metrics", "/api/v1/", "/api/schema/", "/delete/")
# Pages no link reaches for that role, plus an error page.
SEEDS = {
    "visitor": ["/", "/conta/login/", "/conta/signup/", "/api/docs/", "/api/redoc/", "/pagina-que-nao-existe/"],
    "reader": ["/", "/conta/email/", "/conta/password/change/", "/api/tokens/", "/leitores/configuracoes/perfil/"],
    # Admin forms with date and relation widgets (their JavaScript builds the widgets).
    "moderator": [
        "/admin/",
        "/debates/moderacao/",
        "/admin/accounts/readingprogress/add/",
        "/admin/moderation/debatesuspension/add/",
        "/admin/catalog/book/add/",
    ],
}
MAX_PAGES = 45


@pytest.fixture
def site(transactional_db):
    category = CategoryFactory(name="Romance", slug="romance")
    book = BookFactory(title="Dom Casmurro", slug="dom-casmurro", pages=256, authors=[AuthorFactory()])
    book.categories.set([category])
    reader = UserFactory(username="marina")
    UserFactory(username="moderadora", is_staff=True, is_superuser=True)
    BookShelfFactory(user=reader, book=book, shelf_type="read")
    ReadingProgressFactory(user=reader, book=BookFactory(title="Quincas Borba", slug="quincas-borba"))
    BookReviewFactory(user=reader, book=book)
    DebatePostFactory(topic=DebateTopicFactory(book=book, title="Capitu traiu?", slug="capitu-traiu"), author=reader)
    return {role: session_cookie(name) for role, name in (("reader", "marina"), ("moderator", "moderadora"))}


def page_kind(path: str) -> str | None:
    """One visit per view: the tenth book page would teach nothing the first did not (and
    the admin's list and add pages are alike from one model to the next)."""
    if any(part in path for part in SKIP):
        return None
    try:
        name = resolve(path).view_name
    except Resolver404:
        return "404"
    return "admin:" + name.rsplit("_", 1)[-1] if name.startswith("admin:") and "_" in name else name


def crawl(page, base: str, seeds: list[str]) -> list[str]:
    seeds = [urljoin(base, seed) for seed in seeds]
    queue, seen, visited = list(seeds), set(), []
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        kind = page_kind(urlsplit(url).path)
        if kind is None or url in visited or (kind in seen and url not in seeds):
            continue
        seen.add(kind)
        page.goto(url, wait_until="load")
        visited.append(url)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if href.startswith(base) and "#" not in href:
                queue.append(href)
    return visited


def test_every_page_keeps_the_content_security_policy(live_server, site):
    base = live_server.url
    visited: dict[str, list[str]] = {}
    with chromium_page() as (page, console_errors):
        policy = page.goto(base + "/").headers.get("content-security-policy", "")
        for role, seeds in SEEDS.items():
            page.context.clear_cookies()
            if role in site:
                cookie = {"name": settings.SESSION_COOKIE_NAME, "value": site[role], "url": base}
                page.context.add_cookies([cookie])
            visited[role] = crawl(page, base, seeds)

    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    violations = [error for error in console_errors if "CSP" in error or "Content Security Policy" in error]
    assert violations == [], violations
    # The 404 seed is the only failed load the crawl expects (and the browser's own favicon).
    others = [e for e in console_errors if "pagina-que-nao-existe" not in e and "favicon" not in e]
    assert others == [], others
    assert len(visited["visitor"]) >= 15 and len(visited["reader"]) >= 20 and len(visited["moderator"]) >= 8, visited
