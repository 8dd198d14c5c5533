#!/usr/bin/env bash
# Makes sure a program from Debian's packages is installed: install_debian_package.sh PROGRAM PACKAGE.
# PROGRAM is a command name or a path; as root a missing one is installed with apt-get,
# otherwise the script says how and fails (nothing is ever downloaded from elsewhere).
set -euo pipefail
PROGRAM=$1 PACKAGE=$2
present() { [ -x "$PROGRAM" ] || command -v "$PROGRAM" >/dev/null; }

present && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install: $PROGRAM is missing; install it as root: apt-get install -y $PACKAGE" >&2
  exit 1
fi
echo "install: installing Debian's $PACKAGE" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq "$PACKAGE" >&2
present || { echo "install: apt installed $PACKAGE but $PROGRAM is not there" >&2; exit 1; }
