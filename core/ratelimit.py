"""Rate limits: django-ratelimit counters in the shared cache, answered with 429.

Limits live in `settings.RATELIMITS` (name → "count/period"), so an operator changes
them without touching code. Counters are in Redis, so a limit holds across processes
and machines.
"""

import functools

from django.conf import settings
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited


class RateLimitExceeded(Ratelimited):
    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = retry_after


def client_ip(request) -> str:
    """The client address, trusting only as many X-Forwarded-For hops as we have proxies.

    With `TRUSTED_PROXY_COUNT = 0` the header is ignored (a client could forge it);
    with N proxies, the Nth address from the right is the one our own proxy saw.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def check_rate_limit(request, *, name: str, key: str = "user_or_ip", method: str | tuple = "POST") -> None:
    """Count this request against limit `name`; raise RateLimitExceeded past it."""
    usage = get_usage(request, group=name, key=key, rate=settings.RATELIMITS[name], method=method, increment=True)
    if usage and usage["should_limit"]:
        raise RateLimitExceeded(retry_after=max(1, usage["time_left"]))


def rate_limit(name: str, *, key: str = "user_or_ip", method: str | tuple = "POST"):
    """View decorator: `@rate_limit("post_create")`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            check_rate_limit(request, name=name, key=key, method=method)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
