#!/usr/bin/env bash
# Makes sure the `wrk` load generator (Debian package) is installed for `make bench`:
# Locust cannot drive a one-Redis-GET view to its ceiling on a small box, wrk (C) can.
set -euo pipefail

if command -v wrk >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install_wrk: wrk is missing; install it as root: apt-get install -y wrk" >&2
  exit 1
fi
echo "install_wrk: installing Debian's wrk" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq wrk >&2
command -v wrk >/dev/null || { echo "install_wrk: apt installed wrk but it is not on PATH" >&2; exit 1; }
