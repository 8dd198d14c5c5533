"""Choice labels and time spans translated once per language and process.

The project writes its messages in pt-BR, so they are in no translation catalog: each lookup
misses every catalog and its fallbacks (~10 µs). A label printed on every row of a page (a
shelf's name, an activity's verb, "2 horas") is translated once instead.
"""

import functools
from datetime import datetime

from django.db.models import Choices
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import get_language


def choice_label(choices: type[Choices], value) -> str:
    """`choices(value).label` as text, in the active language."""
    return _labels(choices, get_language())[value]


@functools.lru_cache(maxsize=64)
def _labels(choices: type[Choices], language: str | None) -> dict:
    return {choice.value: str(choice.label) for choice in choices}


def time_since(moment: datetime, now: datetime | None = None) -> str:
    """`timesince(moment, now)` ("2 horas, 5 minutos"), each unit's words translated once per
    language and count: Django's translates both units of every call (46 µs a call; a feed
    or a profile prints one per group of activities)."""
    return timesince(moment, now, time_strings=_REMEMBERED_UNITS)


class _RememberedUnit:
    """A `TIME_STRINGS` entry as `timesince` uses it: `unit % {"num": n}`."""

    def __init__(self, name: str):
        self.name = name

    def __mod__(self, values: dict) -> str:
        return _unit(self.name, values["num"], get_language())


@functools.lru_cache(maxsize=1024)
def _unit(name: str, count: int, language: str | None) -> str:
    return TIME_STRINGS[name] % {"num": count}


_REMEMBERED_UNITS = {name: _RememberedUnit(name) for name in TIME_STRINGS}
