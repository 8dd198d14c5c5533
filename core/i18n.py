"""Choice labels translated once per language and process.

The project writes its messages in pt-BR, so they are in no translation catalog: each lookup
misses every catalog and its fallbacks (~10 µs). A label printed on every row of a page (a
shelf's name, an activity's verb) is translated once instead.
"""

import functools

from django.db.models import Choices
from django.utils.translation import get_language


def choice_label(choices: type[Choices], value) -> str:
    """`choices(value).label` as text, in the active language."""
    return _labels(choices, get_language())[value]


@functools.lru_cache(maxsize=64)
def _labels(choices: type[Choices], language: str | None) -> dict:
    return {choice.value: str(choice.label) for choice in choices}
