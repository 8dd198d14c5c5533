"""Untrusted values read from a request, parsed one strict way everywhere."""

import re

from django.utils.http import url_has_allowed_host_and_scheme

# ASCII digits only: str.isdigit() also accepts "²" and "①", which int() refuses (a 500).
# 18 digits always fit a bigint primary key.
_ID_RE = re.compile(r"[0-9]{1,18}")


def parse_id(value) -> int | None:
    """A positive id from untrusted text (a query or form value, a header), else None."""
    text = str(value or "").strip()
    return (int(text) or None) if _ID_RE.fullmatch(text) else None


def next_url(request, default: str) -> str:
    """The `next` target (form field, else query) when it is a path on this site, else `default`.

    Only a local path is followed: `-1` or `abc` would be taken for a URL name by `redirect()`
    (NoReverseMatch), and another host would make the site an open redirect.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    local = target.startswith("/") and not target.startswith(("//", "/\\")) and "\x00" not in target
    if local and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default
