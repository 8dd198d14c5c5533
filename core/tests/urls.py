"""A tiny URLconf for testing core mechanics in isolation."""

from django.http import HttpResponse
from django.urls import include, path

from core.ratelimit import rate_limit


@rate_limit("vote", method="POST")
def limited(request):
    return HttpResponse("ok")


urlpatterns = [
    path("limited/", limited),
    path("", include("cgbookstore.urls")),
]
