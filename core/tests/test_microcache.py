import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.microcache import anonymous_page_cache

pytestmark = pytest.mark.django_db

hooked = []


def record_hit(name):
    hooked.append(name)


@pytest.fixture
def page(settings):
    settings.PAGE_CACHE_SECONDS = 30
    calls = []

    @anonymous_page_cache
    def view(request):
        calls.append(request)
        response = HttpResponse(f"<p>página {len(calls)}</p>", content_type="text/html; charset=utf-8")
        response.page_cache_hook = ("core.tests.test_microcache.record_hit", ("livro",))
        return response

    view.calls = calls
    return view


def test_anonymous_readers_share_one_rendering(page):
    first = page(RequestFactory().get("/livros/?page=2"))
    second = page(RequestFactory().get("/livros/?page=2"))
    assert len(page.calls) == 1
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content


def test_each_hit_runs_the_views_hook(page):
    hooked.clear()
    for _ in range(3):
        page(RequestFactory().get("/topico/"))
    assert hooked == ["livro", "livro"]  # the miss ran the view itself


def test_the_query_string_is_part_of_the_key(page):
    page(RequestFactory().get("/livros/?page=1"))
    page(RequestFactory().get("/livros/?page=2"))
    assert len(page.calls) == 2


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"HTTP_COOKIE": "sessionid=abc"},  # maybe logged in: personal page
        {"HTTP_COOKIE": "messages=abc"},  # a flash message to show
        {"HTTP_HX_REQUEST": "true"},  # an htmx fragment
    ],
)
def test_personal_requests_are_never_served_from_the_cache(page, request_kwargs):
    page(RequestFactory().get("/x/"))
    page(RequestFactory().get("/x/", **request_kwargs))
    assert len(page.calls) == 2


def test_posts_and_errors_and_cookies_are_not_cached(settings):
    settings.PAGE_CACHE_SECONDS = 30
    calls = []

    @anonymous_page_cache
    def view(request):
        calls.append(1)
        response = HttpResponse("x", status=404 if request.GET.get("missing") else 200)
        if request.GET.get("cookie"):
            response.set_cookie("csrftoken", "t")
        return response

    for query in ("?missing=1", "?cookie=1"):
        view(RequestFactory().get(f"/y/{query}"))
        view(RequestFactory().get(f"/y/{query}"))
    view(RequestFactory().post("/y/"))
    view(RequestFactory().post("/y/"))
    assert len(calls) == 6


def test_zero_seconds_turns_it_off(page, settings):
    settings.PAGE_CACHE_SECONDS = 0
    page(RequestFactory().get("/z/"))
    page(RequestFactory().get("/z/"))
    assert len(page.calls) == 2
