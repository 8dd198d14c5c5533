from django.http import JsonResponse
from django.shortcuts import render

from core.health import readiness
from core.microcache import anonymous_page_cache, reader_page_cache
from core.panels import personal_names, render_panels
from core.replica import replica_configured, replica_status


@anonymous_page_cache
@reader_page_cache(personal=lambda: personal_names("home", "home_side"))
def home(request):
    """Visitors: what the site is, popular books, debates. Readers: their dashboard, whose
    main column ("home" panels) and side column ("home_side") come from the apps above;
    readers share one rendering of it, their own panels filled from their cached copies
    (core.personal)."""
    context = {"panels": render_panels("home", request)}
    if request.user.is_authenticated:
        context["side_panels"] = render_panels("home_side", request)
    return render(request, "core/home.html", context)


def healthz(request):
    """Liveness: the process answers. No I/O, so a slow database never kills the pod."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Readiness: database, cache and broker reachable, each with its latency."""
    results = readiness()
    ready = all(result.ok for result in results)
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {r.name: {"ok": r.ok, "latency_ms": r.latency_ms, "detail": r.detail} for r in results},
    }
    if not ready:
        body["failing"] = [r.name for r in results if not r.ok]
    if replica_configured():
        # Reported, not required: without the replica, reads go to the primary.
        body["replica"] = replica_status()
    return JsonResponse(body, status=200 if ready else 503)
