"""gunicorn's access log without URL secrets, stamped in UTC (`logger_class` in deploy/gunicorn.conf.py)."""

import functools
import re
from datetime import UTC, datetime

from gunicorn.glogging import Logger

from core.logging import redact

_ATOM = re.compile(r"%\(([^)]+)\)")


@functools.lru_cache(maxsize=4)
def _printed_atoms(log_format: str) -> tuple[str, ...]:
    """The atoms a format prints; header and environ atoms (`{referer}i`) in lower case, as
    gunicorn keeps them."""
    names = (name.lower() if name.startswith("{") else name for name in _ATOM.findall(log_format))
    return tuple(dict.fromkeys(names))


class AccessLogger(Logger):
    def now(self) -> str:
        return datetime.now(UTC).strftime("[%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z]"

    def atoms(self, resp, req, environ, request_time) -> dict:
        """The atoms the format prints, each without URL secrets (the request line, query,
        referer and any header or environ atom may carry `?k=`). gunicorn makes one per header
        and environ entry: redacting and copying them all took a fifth of the CPU of the
        cheapest request (py-spy on the ceiling view); an atom not printed is never seen."""
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(atoms[key]) for key in _printed_atoms(self.cfg.access_log_format) if key in atoms}
