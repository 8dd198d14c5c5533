"""The project's settings plus the ceiling views at /__bench__/: used only by the benchmark.

Production never imports this module, so the bench endpoints cannot be switched on there.
"""

from cgbookstore.settings import *  # noqa: F403

ROOT_URLCONF = "bench.root_urls"
