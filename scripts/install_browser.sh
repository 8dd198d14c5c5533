#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (e2e/).
# Playwright drives this system browser; it never downloads a browser of its own.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install_browser: $CHROMIUM is missing; install it as root: apt-get install -y chromium" >&2
  exit 1
fi
echo "install_browser: installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq chromium >&2
[ -x "$CHROMIUM" ] || { echo "install_browser: apt installed chromium but $CHROMIUM is not there" >&2; exit 1; }
