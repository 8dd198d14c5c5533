"""A real Chromium (Debian's, never a downloaded build) driven by Playwright."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def session_cookie(username: str) -> str:
    """The session cookie's value of `username`, signed in (for `page.context.add_cookies`)."""
    from django.conf import settings
    from django.contrib.auth import SESSION_KEY, get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    assert client.session[SESSION_KEY]
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@contextmanager
def chromium_page(*, javascript: bool = True) -> Iterator[tuple]:
    """A fresh headless Chromium page (JavaScript off when told); yields (page, console_errors).

    Playwright runs an event loop in this thread while the page is open, so Django's ORM
    refuses to run inside the block: read the database before or after it.
    """
    assert shutil.which(CHROMIUM), f"{CHROMIUM} is missing: run scripts/install_browser.sh"
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="pt-BR", viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
        )
        context.set_default_timeout(10_000)
        # Chromium prints most CSP refusals itself; this names every one, with its directive.
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        # A failed load is reported at the resource's own URL, a script error at the page's.
        page.on("console", lambda msg: msg.type == "error" and errors.append(f"{msg.location['url']}: {msg.text}"))
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        try:
            yield page, errors
        finally:
            context.close()
            browser.close()
