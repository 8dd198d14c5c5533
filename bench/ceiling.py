"""The ceiling: the cheapest views the same gunicorn, middleware and cache can serve.

Each page's throughput is reported as a fraction of these, measured on the same run, so the
figure says how much of the box the page's own work takes, whatever the box.
"""

from django.core.cache import cache
from django.http import HttpResponse

CEILING_KEY = "bench:ceiling"


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


def redis_get(request):
    """One Redis GET, nothing else: the floor under any cached page."""
    value = cache.get(CEILING_KEY)
    return HttpResponse(b"hit" if value is not None else b"miss", content_type="text/plain")
