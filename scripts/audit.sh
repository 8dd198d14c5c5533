#!/usr/bin/env bash
# Known-vulnerability audit of the pinned requirements with pip-audit.
# Exit codes: 0 clean; 1 a pinned package has a known vulnerability; 3 the advisory service
# could not be reached or answered for no package (nothing was audited: never read as clean).
set -uo pipefail
cd "$(dirname "$0")/.."
AUDIT=${PIP_AUDIT:-.venv/bin/pip-audit}

[ -x "$AUDIT" ] || { echo "audit: $AUDIT not found (make install)" >&2; exit 3; }

status=0
for file in requirements.txt requirements-dev.txt; do
  echo "audit: $file" >&2
  # Every requirement is pinned, so no resolver run is needed (--no-deps --disable-pip);
  # --strict makes a package that cannot be audited fail instead of being skipped.
  output=$("$AUDIT" --strict --progress-spinner off --no-deps --disable-pip -r "$file" 2>&1)
  rc=$?
  echo "$output" >&2
  if grep -qE "could not be audited|ConnectionError|ProxyError|Max retries exceeded" <<<"$output"; then
    echo "audit: the advisory service could not be reached or knew no package; the requirements were NOT audited." >&2
    exit 3
  fi
  [ "$rc" -eq 0 ] || status=1
done
exit $status
