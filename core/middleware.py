from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited

from core.ratelimit import RateLimitExceeded


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        request.path.startswith("/api/")
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or ("application/json" in accept and "text/html" not in accept)
    )


class RateLimitMiddleware:
    """Turns a rate-limit rejection into 429 with Retry-After: JSON or a friendly page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Ratelimited):
            return None
        retry_after = exception.retry_after if isinstance(exception, RateLimitExceeded) else 60
        message = _("Limite de requisições excedido. Tente novamente mais tarde.")
        if wants_json(request):
            response = JsonResponse({"error": message, "status": 429}, status=429)
        else:
            response = render(request, "429.html", {"message": message, "retry_after": retry_after}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
