"""`reverse()` remembered per process, for templates (`{% url %}`) and code alike.

A URL is a function of its name and arguments for a given URLconf, script prefix and
current app, and Django's `reverse` walks the namespaces and matches a regex per candidate
every time (tens of µs a call; about 1 ms of a cold book page, whose links repeat the same
categories and menus on every page). Only str and int arguments are remembered (a model
instance passed as an argument is reversed anew: its text could change); the memory is
bounded, least recently used first out.
"""

import functools

from django.conf import settings
from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url_tag
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.html import conditional_escape

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


register = Library()  # a template builtin (settings.TEMPLATES): replaces Django's {% url %}


class RememberedURLNode(URLNode):
    """Django's URLNode, reversed through `reverse` above (same arguments, same errors)."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        try:
            url = reverse(self.view_name.resolve(context), args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url_tag(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
