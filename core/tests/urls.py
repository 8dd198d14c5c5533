"""A tiny URLconf for testing core mechanics in isolation."""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path

from core.ratelimit import rate_limit


@rate_limit("vote", method="POST")
def limited(request):
    return HttpResponse("ok")


def backend_pid(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return HttpResponse(str(cursor.fetchone()[0]))


def runaway_query(request):
    with connection.cursor() as cursor:
        # A short limit for this session so the test is quick; the configured 30 s works the same way.
        cursor.execute("SET statement_timeout = '100ms'")
        try:
            cursor.execute("SELECT pg_sleep(5)")
        finally:
            cursor.execute("RESET statement_timeout")
    return HttpResponse("never")


urlpatterns = [
    path("limited/", limited),
    path("pid/", backend_pid),
    path("runaway/", runaway_query),
    path("", include("cgbookstore.urls")),
]
