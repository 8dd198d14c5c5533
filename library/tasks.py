"""Import tasks: routed to the `imports` queue (settings.CELERY_TASK_ROUTES), so a wave of
imports waits behind itself, never in front of page-critical work."""

from celery.exceptions import SoftTimeLimitExceeded

from core.jobs import TRANSIENT_ERRORS, task
from library import services


@task(soft_time_limit=20 * 60, time_limit=25 * 60)
def import_job_run_task(job_id: int) -> dict:
    """Idempotent: rows keep their state, so a retry resumes where the last run stopped."""
    try:
        job = services.import_job_run(job_id=job_id)
    except TRANSIENT_ERRORS:
        raise
    except (Exception, SoftTimeLimitExceeded) as exc:
        services.import_job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        raise
    return {"job": job.pk, "done": job.done_rows, "matched": job.matched, "unmatched": job.unmatched}
