"""Cache warmers registered by apps (in `AppConfig.ready()`), run by a periodic task."""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_warmers: dict[str, Callable[[], int]] = {}


def register_warmer(name: str, warm: Callable[[], int]) -> None:
    """`warm()` fills its caches and returns how many entries it wrote."""
    _warmers[name] = warm


def run_warmers() -> dict[str, int]:
    written = {}
    for name, warm in _warmers.items():
        try:
            written[name] = warm()
        except Exception:  # one failing warmer must not stop the others
            logger.exception("cache warmer %s failed", name)
            written[name] = -1
    return written


_hot_pages: dict[str, Callable[[], str | None]] = {}


def register_hot_page(name: str, url: Callable[[], str | None]) -> None:
    """A page that must stay fast; `url()` gives a representative URL (None: no data yet)."""
    _hot_pages[name] = url


def hot_page_urls() -> list[tuple[str, str]]:
    return [(name, url) for name, provider in _hot_pages.items() if (url := provider())]
