"""Django's `static` template library (settings.TEMPLATES maps `{% load static %}` here), but
`{% static %}` works each file's URL out once per process: the storage's answer does not change
while the process lives (a new collectstatic comes with a restart), and every page asks for the
same ten stylesheets and scripts (15 µs each)."""

import functools

from django.conf import settings
from django.template import Library
from django.templatetags import static

register = Library()
register.tags.update(static.register.tags)
register.filters.update(static.register.filters)


class RememberedStaticNode(static.StaticNode):
    def url(self, context):
        # Keyed by the settings it depends on as well, for tests that override them.
        return _url(self.path.resolve(context), settings.STATIC_URL, id(settings.STORAGES))


@functools.lru_cache(maxsize=256)
def _url(path: str, static_url: str, storages: int) -> str:
    return static.StaticNode.handle_simple(path)


@register.tag("static")
def do_static(parser, token):
    return RememberedStaticNode.handle_token(parser, token)
