"""`reverse()` remembered per process, for code and for `{% url %}` (core.templatetags.remembered_urls).

A URL is a function of its name and arguments for a given URLconf, script prefix and
current app, and Django's `reverse` walks the namespaces and matches a regex per candidate
every time (tens of µs a call; about 1 ms of a cold book page, whose links repeat the same
categories and menus on every page). Only str and int arguments are remembered (a model
instance passed as an argument is reversed anew: its text could change); the memory is
bounded, least recently used first out.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

MAX_REMEMBERED = 4096  # URLs per process: a few hundred kB


def reverse(viewname, args=None, kwargs=None, current_app=None) -> str:
    """Django's `reverse`, remembered where every argument is a str or an int."""
    args, kwargs = tuple(args or ()), tuple(sorted((kwargs or {}).items()))
    if not isinstance(viewname, str) or not all(type(value) in (str, int) for value in _values(args, kwargs)):
        return django_reverse(viewname, args=args, kwargs=dict(kwargs), current_app=current_app)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _remembered(viewname, args, kwargs, current_app, get_script_prefix(), urlconf)


def _values(args: tuple, kwargs: tuple):
    yield from args
    for _name, value in kwargs:
        yield value


@functools.lru_cache(maxsize=MAX_REMEMBERED)
def _remembered(viewname: str, args: tuple, kwargs: tuple, current_app, prefix: str, urlconf) -> str:
    # The prefix is part of the key only: reverse() reads it itself.
    return django_reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)
