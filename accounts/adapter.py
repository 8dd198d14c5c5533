"""allauth, fitted to the site: one client-IP rule for every limiter, logged lockouts,
usernames checked for look-alikes."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import usernames
from core.ratelimit import client_ip

logger = logging.getLogger("accounts.auth")
LOGIN_MAX_LENGTH = 320  # the longest e-mail address


class AccountAdapter(DefaultAccountAdapter):
    def get_signup_redirect_url(self, request) -> str:
        # A new reader first says what they like, so the home page starts personal.
        return reverse("recommendations:onboarding")

    def get_client_ip(self, request) -> str:
        # Behind our proxy allauth would otherwise count every visitor as the proxy.
        return client_ip(request)

    def clean_username(self, username: str, shallow: bool = False) -> str:
        username = usernames.normalise(username)
        usernames.validate(username)
        return super().clean_username(username, shallow=shallow)

    def authenticate(self, request, **credentials):
        # No account has a longer name or e-mail, and SQLite refuses a LIKE pattern past
        # 50,000 bytes: a longer login is a failed one before it reaches a query.
        if len(login_name(credentials, limit=None)) > LOGIN_MAX_LENGTH:
            return None
        # `ＪＯＡＯ` logs in as `joao`, the name sign-up stored.
        if "username" in credentials:
            credentials["username"] = usernames.normalise(credentials["username"])
        return super().authenticate(request, **credentials)

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            ip, login = client_ip(request), login_name(credentials)
            logger.warning(
                "login locked out: %s from %s", login, ip, extra={"event": "login_locked", "login": login, "ip": ip}
            )
            raise

    def login_attempts_key(self, request, login: str) -> str:
        """The key of allauth's per-login failure bucket, shared with the admin login."""
        return self._get_login_attempts_cache_key(request, username=login)


def login_name(credentials: dict, limit: int | None = 150) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")[:limit]
