import logging

from django.conf import settings
from django.db import OperationalError
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited

from core import metrics
from core.ratelimit import RateLimitExceeded, client_ip

logger = logging.getLogger(__name__)


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        request.path.startswith("/api/")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or ("application/json" in accept and "text/html" not in accept)
    )


def ratelimit_response(request, exception):
    """A rate-limit rejection as 429 with Retry-After: JSON or a friendly page (None if not one)."""
    if not isinstance(exception, Ratelimited):
        return None
    retry_after = exception.retry_after if isinstance(exception, RateLimitExceeded) else 60
    view = request.resolver_match.view_name if request.resolver_match else "unknown"
    metrics.ratelimit_rejections.labels(view=view).inc()
    message = _("Limite de requisições excedido. Tente novamente mais tarde.")
    if wants_json(request):
        response = JsonResponse({"error": message, "status": 429}, status=429)
    else:
        response = render(request, "429.html", {"message": message, "retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def statement_timeout_response(request, exception):
    """A query cut off by PostgreSQL's statement_timeout as a clean 503, not a 500 (None if not one)."""
    if not (isinstance(exception, OperationalError) and type(exception.__cause__).__name__ == "QueryCanceled"):
        return None
    logger.warning("statement timeout on %s", request.path)
    message = _("A página demorou demais para responder. Tente novamente em instantes.")
    if wants_json(request):
        response = JsonResponse({"error": message, "status": 503}, status=503)
    else:
        response = render(request, "503.html", {"message": message}, status=503)
    response["Retry-After"] = "30"
    return response


class ErrorResponseMiddleware:
    """Rate-limit rejections → 429 (every 429 logged), statement timeouts → 503. One
    middleware for both: each layer of MIDDLEWARE costs every request a call."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 429:  # ours, allauth's or DRF's: every refusal is logged
            ip = client_ip(request)
            logger.warning(
                "rate limited: %s %s from %s",
                request.method,
                request.path,
                ip,
                extra={"event": "rate_limited", "ip": ip, "retry_after": response.get("Retry-After", "")},
            )
        return response

    def process_exception(self, request, exception):
        return ratelimit_response(request, exception) or statement_timeout_response(request, exception)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, skipped while the site speaks one language: negotiating
    Accept-Language for a single choice costs every request and changes nothing (the
    default language is settings.LANGUAGE_CODE). With a second language it negotiates."""

    def process_request(self, request):
        if len(settings.LANGUAGES) > 1:
            return super().process_request(request)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return None

    def process_response(self, request, response):
        if len(settings.LANGUAGES) > 1:
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response
