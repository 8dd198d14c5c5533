"""The app graph of docs/architecture.md, checked: an app imports only from apps below it.

Production code only (tests, migrations and test modules may reach anywhere). An app
that must learn something from a higher one gets it through a signal, a task or a
registry it owns (core.panels, core.moderation.register_write_check), never an import.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

# What each app imports directly (the arrows of the graph); anything further down is allowed too.
BELOW = {
    "core": set(),
    "catalog": {"core"},
    "accounts": {"catalog"},
    "debates": {"accounts"},
    "moderation": {"debates"},
    "recommendations": {"accounts"},
    "library": {"debates"},
    "notifications": {"library"},
    "social": {"library"},
    "api": {"social", "recommendations", "moderation"},
    "demo": {"social", "debates"},
}
ROOT = Path(settings.BASE_DIR)


def allowed(app: str) -> set[str]:
    found, todo = set(), list(BELOW[app])
    while todo:
        lower = todo.pop()
        if lower not in found:
            found.add(lower)
            todo.extend(BELOW[lower])
    return found


def imported_apps(app: str) -> dict[str, set[str]]:
    """{other local app: the files of `app` importing it}, from every import in the code."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / app).rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts) or path.name.startswith("test_"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in BELOW and top != app:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_local_app_has_a_place_in_the_graph():
    local = {app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()}
    assert local == set(BELOW)


@pytest.mark.parametrize("app", sorted(BELOW))
def test_an_app_imports_only_from_apps_below_it(app):
    upward = {other: files for other, files in imported_apps(app).items() if other not in allowed(app)}
    assert not upward, f"{app} imports upwards: {upward}"


def test_debates_and_accounts_never_import_moderation():
    assert "moderation" not in allowed("debates") and "moderation" not in allowed("accounts")
    assert "moderation" in allowed("api")
