"""Import tasks: the runs go to the `imports` queue (settings.CELERY_TASK_ROUTES), so a wave
of imports waits behind itself, never in front of page-critical work; the sweeper is upkeep
(`maintenance`)."""

from core.jobs import task
from library import services


@task(soft_time_limit=20 * 60, time_limit=25 * 60)
def import_job_run_task(job_id: int) -> dict:
    """Idempotent: rows keep their state, so a retry resumes where the last run stopped."""
    job = services.import_job_run(job_id=job_id)
    return {
        "job": job.pk,
        "status": job.status,
        "done": job.done_rows,
        "matched": job.matched,
        "unmatched": job.unmatched,
    }


@task(soft_time_limit=60, time_limit=90)
def import_jobs_requeue() -> int:
    """Queue again the imports whose task was lost (every 5 minutes)."""
    return services.import_jobs_requeue()
