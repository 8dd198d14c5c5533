#!/usr/bin/env bash
# Known-vulnerability audit of the pinned requirements with pip-audit (PyPI's advisory data).
# Exit codes: 0 clean; 1 a pinned package has a known vulnerability; 3 the vulnerability
# service could not be reached (nothing was audited: never read that as clean).
set -uo pipefail
cd "$(dirname "$0")/.."
AUDIT=${PIP_AUDIT:-.venv/bin/pip-audit}
PY=${PYTHON:-.venv/bin/python}

[ -x "$AUDIT" ] || { echo "audit: $AUDIT not found (make install)" >&2; exit 3; }

# pip-audit asks PyPI's JSON API for each pinned version; a mirror or proxy that serves only
# the package index answers 404 there, which pip-audit would report as skipped packages.
django_pin=$(grep -iE '^django==' requirements.txt | cut -d= -f3)
if ! "$PY" - "$django_pin" <<'PY'
import sys, urllib.request
url = f"https://pypi.org/pypi/django/{sys.argv[1]}/json"
try:
    with urllib.request.urlopen(url, timeout=15) as response:
        assert "vulnerabilities" in response.read(2_000_000).decode()
except Exception as exc:
    sys.exit(f"{url}: {exc}")
PY
then
  echo "audit: PyPI's vulnerability API (pypi.org/pypi/<name>/<version>/json) is unreachable from here;" \
       "the requirements were NOT audited." >&2
  exit 3
fi

status=0
for file in requirements.txt requirements-dev.txt; do
  echo "audit: $file" >&2
  # --strict: a package that cannot be audited fails the run instead of being skipped.
  "$AUDIT" --strict --progress-spinner off -r "$file" || status=1
done
exit $status
