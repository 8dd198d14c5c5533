"""Request ids across web and worker, and the Celery signals for them and for metrics.

A request's id comes from our own proxy (nginx sets `X-Request-ID`) or is made here; it
goes back in the response, into every log record (`core.logging`), and into the headers
of each Celery task the request publishes, where the worker binds it again.
"""

import os
import re

from celery import signals
from django.conf import settings

from core import metrics
from core.logging import request_id_var, task_var

REQUEST_ID_HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")


class RequestIdMiddleware:
    """Binds a request id for the request's logs and tasks and returns it as X-Request-ID.

    An incoming id is trusted only behind our proxy (TRUSTED_PROXY_COUNT > 0): a client
    could otherwise forge ids to mix its requests into someone else's trail.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER) if settings.TRUSTED_PROXY_COUNT else None
        valid = incoming is not None and _VALID_ID.fullmatch(incoming)
        request.request_id = incoming if valid else os.urandom(16).hex()  # uuid4().hex's shape
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


# --- Celery: carry the id from the publisher to the worker ----------------------------------
def _add_request_id(headers=None, **kwargs):
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers[TASK_HEADER] = request_id


def _bind_task(task_id=None, task=None, **kwargs):
    # Eager tasks run inside the request and already see its id; a worker reads the header.
    request_id = getattr(task.request, TASK_HEADER, None) or request_id_var.get()
    task.request._observability_tokens = (request_id_var.set(request_id), task_var.set((task.name, task_id)))


def _unbind_task(task=None, **kwargs):
    tokens = getattr(task.request, "_observability_tokens", None)
    if tokens:
        request_id_var.reset(tokens[0])
        task_var.reset(tokens[1])


def connect_signals() -> None:
    """Called once from CoreConfig.ready(), in web and worker processes alike."""
    signals.before_task_publish.connect(_add_request_id, weak=False, dispatch_uid="core.request_id.publish")
    signals.task_prerun.connect(_bind_task, weak=False, dispatch_uid="core.request_id.prerun")
    signals.task_postrun.connect(_unbind_task, weak=False, dispatch_uid="core.request_id.postrun")
    signals.task_prerun.connect(metrics.task_started, weak=False, dispatch_uid="core.metrics.prerun")
    signals.task_postrun.connect(metrics.task_finished, weak=False, dispatch_uid="core.metrics.postrun")
    signals.worker_ready.connect(metrics.start_worker_exporter, weak=False, dispatch_uid="core.metrics.exporter")
    signals.worker_process_shutdown.connect(metrics.mark_child_dead, weak=False, dispatch_uid="core.metrics.dead")
