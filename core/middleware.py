import functools
import logging

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.db import OperationalError
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject, empty
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


def error_response(request, *, status: int, message: str, template: str, **context):
    """A refusal as JSON for API and AJAX callers, else as the site's friendly page."""
    if wants_json(request):
        return JsonResponse({"error": message, "status": status}, status=status)
    return render(request, template, {"message": message, **context}, status=status)


def too_many_requests(request, retry_after: int = 60):
    """429 with Retry-After, whoever refused: our limits, flood control, allauth's (`handler429`)."""
    message = _("Limite de requisições excedido. Tente novamente mais tarde.")
    response = error_response(request, status=429, message=message, template="429.html", retry_after=retry_after)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit_response(request, exception):
    """A rate-limit rejection as 429 with Retry-After: JSON or a friendly page (None if not one)."""
    if not isinstance(exception, Ratelimited):
        return None
    retry_after = exception.retry_after if isinstance(exception, RateLimitExceeded) else 60
    view = request.resolver_match.view_name if request.resolver_match else "unknown"
    metrics.ratelimit_rejections.labels(view=view).inc()
    return too_many_requests(request, retry_after)


def statement_timeout_response(request, exception):
    """A query cut off by PostgreSQL's statement_timeout as a clean 503, not a 500 (None if not one)."""
    if not (isinstance(exception, OperationalError) and type(exception.__cause__).__name__ == "QueryCanceled"):
        return None
    logger.warning("statement timeout on %s", request.path)
    message = _("A página demorou demais para responder. Tente novamente em instantes.")
    response = error_response(request, status=503, message=message, template="503.html")
    response["Retry-After"] = "30"
    return response


MAX_QUERY_STRING = 8192  # nginx's default limit of a whole request line


def _holds_nul(request) -> bool:
    # A NUL reaches the query only as `%00` (or raw): a scan of the string, not a parse of it.
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in request.path or "%00" in query or "\x00" in query:
        return True
    if request.method != "POST":
        return False
    return any("\x00" in key or "\x00" in value for key, values in request.POST.lists() for value in values)


def bad_input_response(request):
    """Input no view should see, refused before any reads it (None if the request is fine): a
    NUL byte in the path, the query or a form field is a 400 (PostgreSQL refuses such text in
    every query: a 500 wherever it is read); a query string longer than any link of the site
    is a 414, as nginx answers."""
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
        return error_response(request, status=414, message=_("O endereço é longo demais."), template="400.html")
    if _holds_nul(request):
        message = _("O endereço ou o formulário contém um caractere inválido.")
        return error_response(request, status=400, message=message, template="400.html")
    return None


class ErrorResponseMiddleware:
    """Hostile input → 400/414 before any view, rate-limit rejections → 429 (every 429 logged
    and with Retry-After), statement timeouts → 503. One middleware for all: each layer of
    MIDDLEWARE costs every request a call."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = bad_input_response(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if response.status_code == 429:  # ours, allauth's or DRF's: every refusal is logged
            response.setdefault("Retry-After", "60")
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


class MessageMiddleware(DjangoMessageMiddleware):
    """Django's MessageMiddleware with the storage built on first use: building it (the session's
    and the cookie's, with a signer) cost every request, and most requests neither add nor show a
    message (a page served from the page caches never renders one). A storage nothing touched
    has nothing to store, as Django's own `update()` finds."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)


class LocaleMiddleware:
    """Django's LocaleMiddleware, skipped while the site speaks one language: negotiating
    Accept-Language for a single choice costs every request and changes nothing (the
    default language is settings.LANGUAGE_CODE). With a second language it negotiates."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.negotiating = DjangoLocaleMiddleware(get_response)

    def __call__(self, request):
        if len(settings.LANGUAGES) > 1:
            return self.negotiating(request)
        request.LANGUAGE_CODE = language = settings.LANGUAGE_CODE
        response = self.get_response(request)
        if "Content-Language" not in response:
            response["Content-Language"] = language
        return response


# What a view or a nonce may change of a response's policy (django-csp's decorators).
_CSP_OVERRIDES = frozenset(
    f"_csp_{what}{ro}" for what in ("exempt", "config", "update", "replace") for ro in ("", "_ro")
)


@functools.lru_cache(maxsize=1)
def _static_policies() -> tuple[tuple[str, str], ...] | None:
    """The headers of the settings' policies, built once; None if the settings exclude URL
    prefixes (django-csp then decides per request)."""
    configs = (
        getattr(settings, "CONTENT_SECURITY_POLICY", None),
        getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
    )
    if any((config or {}).get("EXCLUDE_URL_PREFIXES") for config in configs):
        return None
    policies = ((HEADER, build_policy()), (HEADER_REPORT_ONLY, build_policy(report_only=True)))
    return tuple((header, value) for header, value in policies if value)


def _forget_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _static_policies.cache_clear()


setting_changed.connect(_forget_policies, dispatch_uid="core.middleware.csp")


# What `request.csp_nonce` answers once the headers are written: django-csp's error, from one
# object (it never resolves, so every response may share it).
_NONCE_TOO_LATE = CheckableLazyObject(CSPMiddleware._csp_nonce_post_response)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the settings' policy built once per process for a response
    nothing changes it for (no decorator, no nonce): building it on every response cost more
    than any other middleware (bench/middleware.py). Anything else is django-csp's own path."""

    def process_response(self, request, response):
        policies = _static_policies()
        # The decorators set instance attributes: one set test, not eight failing hasattr.
        customised = getattr(request, "_csp_nonce", None) is not None or not _CSP_OVERRIDES.isdisjoint(vars(response))
        if customised or policies is None:
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:
            return response
        for header, value in policies:
            if header not in response:  # a view's own header stays, as with django-csp
                response[header] = value
        request.csp_nonce = _NONCE_TOO_LATE
        return response
