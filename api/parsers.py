"""The API's JSON parser: DRF's, with a bound on how deeply a body may nest."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No API body nests more than a few levels; 32 leaves room and keeps every walk over it cheap.
MAX_JSON_DEPTH = 32


def json_depth(data) -> int:
    """How deeply lists and objects nest in parsed JSON (a scalar is 0), walked without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """`[[[…]]]` 100,000 deep makes Python's json module raise RecursionError (a 500):
    too deep a body is a 400 in the API's JSON error shape instead."""

    def parse(self, stream, media_type=None, parser_context=None):
        message = _("JSON aninhado demais (máximo de %(depth)d níveis).") % {"depth": MAX_JSON_DEPTH}
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(message) from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(message)
        return data
