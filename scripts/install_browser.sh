#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (e2e/).
# Playwright drives this system browser; it never downloads a browser of its own.
exec "$(dirname "$0")/install_debian_package.sh" "${CHROMIUM:-/usr/bin/chromium}" chromium
