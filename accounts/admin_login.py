"""The admin's login, throttled with allauth's failed-login buckets (per client IP and per
login), so staff accounts get the same brute-force protection as the site's login page.

A refused attempt raises `RateLimitExceeded`; `core.middleware.ErrorResponseMiddleware`
answers it with 429 and Retry-After.
"""

import functools
import math
import time

from allauth.account.adapter import get_adapter
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

from core.ratelimit import RateLimitExceeded

APP, ACTION = "allauth.account", "login_failed"


def seconds_until_allowed(request, login: str) -> int:
    """0 while a failed login may still be tried; else how long until the oldest counted one expires."""
    key = get_adapter(request).login_attempts_key(request, login)
    now, wait = time.time(), 0.0
    for rate in allauth_ratelimit.get_rates(app=APP, action=ACTION):
        cache_key = allauth_ratelimit.get_cache_key(request, app=APP, action=ACTION, rate=rate, key=key)
        recent = [stamp for stamp in cache.get(cache_key, []) if stamp > now - rate.duration]  # newest first
        if len(recent) >= rate.amount:
            wait = max(wait, recent[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


class AdminLoginForm(AdminAuthenticationForm):
    """Authenticates through allauth's adapter, which counts failures and rolls back on success."""

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = get_adapter(self.request).authenticate(
                    self.request, username=username, password=password
                )
            except ValidationError:  # allauth's "too many attempts", lost a race with the check below
                raise RateLimitExceeded(retry_after=seconds_until_allowed(self.request, username) or 60) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


def throttled(login_view):
    @functools.wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method == "POST":
            wait = seconds_until_allowed(request, request.POST.get("username", ""))
            if wait:
                raise RateLimitExceeded(retry_after=wait)
        return login_view(request, *args, **kwargs)

    return view
