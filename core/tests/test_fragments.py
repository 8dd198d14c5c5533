"""Shared HTML with marks for each reader's own bits (core.fragments), and the per-request
memo of namespace versions that lets a page read several keys of one namespace cheaply."""

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started

from core.cache import bump_namespace, namespace_version
from core.fragments import viewer_mark


@pytest.mark.django_db
def test_a_request_reads_a_namespace_version_once_and_sees_its_own_bump(django_capture_on_commit_callbacks):
    namespace = "test:fragments:memo"
    cache.delete(f"ver:{namespace}")
    request_started.send(sender=None)
    try:
        first = namespace_version(namespace)
        cache.set(f"ver:{namespace}", first + 100, timeout=None)  # another process bumps meanwhile
        assert namespace_version(namespace) == first  # one read per request
        with django_capture_on_commit_callbacks(execute=True):
            bump_namespace(namespace)  # this process's own write
        assert namespace_version(namespace) == first + 101
    finally:
        request_finished.send(sender=None)
    cache.set(f"ver:{namespace}", 5, timeout=None)
    assert namespace_version(namespace) == 5  # outside a request nothing is memoised


def test_fill_page_calls_each_filler_once_and_keeps_a_slots_default_when_told(rf):
    from core.fragments import CSRF_MARK, fill_page, register_filler, slot

    calls = []

    def fill_shelf(request, found):
        calls.append(found)
        return {1: "<b>minha</b>", 2: None}  # book 2: this reader has nothing of their own

    register_filler("test_shelf", fill_shelf)
    register_filler("test_count", lambda request, found: {7: "3"})
    default = "<i>padrão</i>"
    count = viewer_mark("test_count", 7)
    html = f"{slot('test_shelf', 1, default)}|{slot('test_shelf', 2, default)}|{count}|{CSRF_MARK}"
    request = rf.get("/")
    filled = fill_page(request, html)
    assert filled.startswith("<b>minha</b>|<i>padrão</i>|3|")
    assert "<!--" not in filled and len(filled.rsplit("|", 1)[1]) == 64  # a masked CSRF token
    assert calls == [((1,), (2,))]


def test_fill_page_reads_negative_extras_and_fills_marks_inside_a_kept_slot(rf):
    from core.fragments import fill_page, instant, instant_time, register_filler, slot

    calls = []
    register_filler("test_score", lambda request, found: calls.append(found) or {1: "<b>own</b>"})
    register_filler("test_inner", lambda request, found: {5: "x"})
    inner = viewer_mark("test_inner", 5)
    html = f"{slot('test_score', 1, 'a' + inner, -3)}|{slot('test_score', 2, 'b' + inner, 4)}"
    assert fill_page(rf.get("/"), html) == "<b>own</b>|bx"
    assert calls == [((1, -3), (2, 4))]
    moment = instant_time(1_796_220_462_436_383)
    assert instant(moment) == 1_796_220_462_436_383 and moment.microsecond == 436_383


@pytest.mark.django_db
def test_any_of_finds_the_rows_of_many_ids_with_one_parameter():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.tests.factories import UserFactory
    from notifications.models import Notification

    users = UserFactory.create_batch(3)
    for user in users:
        Notification.objects.create(recipient=user, kind=Notification.Kind.REPLY, message="x")
    wanted = [users[0].pk, users[2].pk, 10**9]
    with CaptureQueriesContext(connection) as queries:
        found = set(Notification.objects.filter(recipient_id__any_of=wanted).values_list("recipient_id", flat=True))
    assert found == {users[0].pk, users[2].pk}
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"]
    assert list(Notification.objects.filter(recipient_id__any_of=[])) == []


def test_fill_page_keeps_the_defaults_of_a_kind_nobody_fills(rf):
    from core.fragments import fill_page, slot, viewer_mark

    request = rf.get("/")
    html = f"{slot('test_retired_kind', 1, '<b>padrão</b>', 3)}|{viewer_mark('test_retired_kind', 2)}|fim"
    assert fill_page(request, html) == "<b>padrão</b>||fim"


def test_a_page_fills_for_a_visitor_only_when_every_kind_has_a_visitor_filler_and_no_token_is_left(rf):
    from core.fragments import CSRF_MARK, fill_for_visitor, parse_marks, register_filler, slot

    form = f'<form><input name="csrfmiddlewaretoken" value="{CSRF_MARK}"></form>'
    register_filler("test_visit_shelf", lambda request, found: {}, visitor=lambda request, found: {1: "<a>Entre</a>"})
    register_filler("test_visit_vote", lambda request, found: {})
    request = rf.get("/")
    shelf = slot("test_visit_shelf", 1, form)
    assert fill_for_visitor(request, parse_marks(f"{shelf}|fim")) == "<a>Entre</a>|fim"
    assert fill_for_visitor(request, parse_marks(f"{shelf}|{slot('test_visit_vote', 2, 'x')}")) is None
    register_filler("test_visit_shelf", lambda request, found: {}, visitor=lambda request, found: {})
    assert fill_for_visitor(request, parse_marks(shelf)) is None  # the reader's form, token and all, would stay
