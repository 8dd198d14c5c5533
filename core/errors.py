"""How a write refused by a service is answered: one mapping for pages and the API.

Services are the only place a rule lives. They refuse with Django's own exceptions, whose
message is the pt-BR text shown to the reader:
- `PermissionDenied`: not yours, not a moderator, suspended → 403;
- `ValidationError` with a conflict code (a state, not a typo: a locked topic, a second
  review, a second open report, an import already running) → 409;
- any other `ValidationError`: a rule broken by well-formed input → 422;
- `core.ratelimit.RateLimitExceeded` (flood control) → 429 with Retry-After, by the middleware.
Input that cannot even be parsed (a form or serializer error) is a 400 before any service runs.
"""

from django.core.exceptions import PermissionDenied, ValidationError

CONFLICT_CODES = frozenset({"locked", "duplicate", "exists", "busy"})


def refusal_status(error: ValidationError | PermissionDenied) -> int:
    if isinstance(error, PermissionDenied):
        return 403
    return 409 if getattr(error, "code", None) in CONFLICT_CODES else 422


def refusal_message(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return error.messages[0]
    return str(error)


def refuse_in_form(form, error: ValidationError | PermissionDenied) -> int:
    """A service's refusal shown on the page's form; returns the status to answer with."""
    form.add_error(None, error)
    return refusal_status(error)
