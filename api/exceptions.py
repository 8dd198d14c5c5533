"""One error shape for every API answer: `{"error": "...", "status": N}` (+ `fields`).

Service errors keep the site's meaning: a rule broken by valid input is 422, a state
conflict (a locked topic, a second review) is 409, someone else's object is 403. Rate
limits are answered by the site's own middleware, so the body and Retry-After are the same.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import refusal_message, refusal_status
from core.middleware import ratelimit_response


def _service_error(exc: DjangoValidationError) -> Response:
    code = refusal_status(exc)
    body = {"error": refusal_message(exc), "status": code}
    if hasattr(exc, "error_dict"):
        body["fields"] = {name: messages for name, messages in exc.message_dict.items() if name != "__all__"}
    return Response(body, status=code)


def _first_message(data) -> str:
    while isinstance(data, list | dict) and data:
        data = data[0] if isinstance(data, list) else next(iter(data.values()))
    return str(data)


def exception_handler(exc, context):
    # Checked first: Ratelimited is a PermissionDenied, which DRF would turn into a 403.
    if isinstance(exc, Ratelimited):
        return ratelimit_response(context["request"]._request, exc)
    if isinstance(exc, DjangoValidationError):
        return _service_error(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"error": _first_message(response.data), "status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        body["error"] = _("Verifique os dados enviados.")
        body["fields"] = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
    response.data = body
    return response
