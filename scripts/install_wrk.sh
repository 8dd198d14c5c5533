#!/usr/bin/env bash
# Makes sure the `wrk` load generator (Debian package) is installed for `make bench`:
# Locust cannot drive a one-Redis-GET view to its ceiling on a small box, wrk (C) can.
exec "$(dirname "$0")/install_debian_package.sh" wrk wrk
