"""Messages are stored only when a request used them (core.middleware.MessageMiddleware): one
that neither adds nor shows a message builds no storage; one that adds a message hands it to
the next page, as Django's own middleware does."""

from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse

from core.middleware import MessageMiddleware


def quiet(request):
    return HttpResponse("ok")


def adds(request):
    messages.success(request, "Estante atualizada.")
    return HttpResponse("ok")


def shows(request):
    return HttpResponse(" | ".join(str(message) for message in get_messages(request)))


def serve(rf, view, cookies=None):
    request = rf.get("/")
    request.COOKIES.update(cookies or {})
    SessionMiddleware(lambda request: None).process_request(request)
    response = MessageMiddleware(view)(request)
    return request, response


def test_a_request_that_never_uses_messages_builds_no_storage(rf, monkeypatch):
    built = []
    monkeypatch.setattr("core.middleware.default_storage", lambda request: built.append(request))
    request, response = serve(rf, quiet)
    assert built == [] and "messages" not in response.cookies


def test_a_message_added_reaches_the_next_page_and_is_shown_once(rf):
    _request, response = serve(rf, adds)
    stored = {"messages": response.cookies["messages"].value}
    _request, shown = serve(rf, shows, stored)
    assert shown.content.decode() == "Estante atualizada."
    assert shown.cookies["messages"].value == ""  # consumed: the cookie is cleared
    _request, untouched = serve(rf, quiet, stored)
    assert "messages" not in untouched.cookies  # a page that shows none leaves them for the next
