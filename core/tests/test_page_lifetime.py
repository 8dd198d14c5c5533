"""A page stored until its data changes (core.microcache, `until_changed`) is stamped with the
versions its rendering read, at the moment it read them: a write that commits while the page
renders leaves it stale, however new the process is to the page."""

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from core.cache import bump_namespaces_now, namespace_version
from core.microcache import anonymous_page_cache
from core.tests.pages import as_a_new_process

pytestmark = pytest.mark.django_db

NAMESPACE = "teste:pagina"
writes_while_rendering = []


@anonymous_page_cache(until_changed=True)
def versioned_page(request):
    version = namespace_version(NAMESPACE)  # what the page is built from, read first
    if writes_while_rendering:
        bump_namespaces_now(NAMESPACE)  # someone's write commits while the page renders
        writes_while_rendering.clear()
    return HttpResponse(f"<p>versão {version}</p>", content_type="text/html; charset=utf-8")


urlpatterns = [path("pagina/", versioned_page)]


@pytest.fixture(autouse=True)
def new_process(settings):
    as_a_new_process(settings)
    writes_while_rendering.clear()
    with override_settings(ROOT_URLCONF=__name__):
        yield


def states(count: int) -> list[str]:
    client = Client()
    return [client.get("/pagina/")["X-Page-Cache"] for _ in range(count)]


def test_a_first_rendering_lives_until_its_data_changes():
    assert states(3) == ["miss", "hit", "hit"]
    bump_namespaces_now(NAMESPACE)
    assert states(2) == ["miss", "hit"]


def test_a_write_committed_while_the_first_rendering_ran_leaves_it_stale():
    writes_while_rendering.append(True)
    assert states(3) == ["miss", "miss", "hit"]
