"""Loaded by pytest (`-p core.tests.environment`) before Django reads its settings."""

import os
import subprocess
from pathlib import Path

# A cache key space of the test run's own (each xdist worker refines it: see conftest.py).
os.environ.setdefault("CACHE_KEY_PREFIX", "cgbtest-main")
# Tasks run in-process unless a test starts a real worker.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("STATIC_MANIFEST", "false")
# Page logic is tested uncached; the micro-cache has its own tests (core/tests/test_microcache.py).
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
# Imports run flat out in tests; the pause between batches has its own test (library/tests/test_bulk.py).
os.environ.setdefault("LIBRARY_IMPORT_DUTY_CYCLE", "1")

# Translations are compiled by `make install`; a missing or stale .mo is rebuilt here so a
# plain `pytest` sees the current .po too.
for po in (Path(__file__).resolve().parents[2] / "locale").glob("*/LC_MESSAGES/django.po"):
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        partial = mo.with_suffix(f".mo.{os.getpid()}")  # xdist workers may start together
        subprocess.run(["msgfmt", "--check", "-o", str(partial), str(po)], check=True)
        os.replace(partial, mo)
