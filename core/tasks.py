"""Celery tasks of core: thin, idempotent, time-limited (CONVENTIONS.md, "Tasks")."""

from datetime import timedelta

from celery import shared_task

from .pdf import PDF_SOFT_TIME_LIMIT, PDF_TIME_LIMIT, requeue_pdf_jobs, run_pdf_job

__all__ = ["delete_expired_idempotency_keys", "render_pdf_job", "requeue_stalled_pdf_jobs"]


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=PDF_SOFT_TIME_LIMIT,
    time_limit=PDF_TIME_LIMIT,
    ignore_result=True,
)
def render_pdf_job(job_id):
    """Render PdfJob `job_id` at most once: the run claims the row first, so a duplicate or re-delivered
    message does nothing (core.pdf.run_pdf_job)."""
    run_pdf_job(int(job_id))


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90, ignore_result=True)
def requeue_stalled_pdf_jobs(grace_seconds=30):
    """Periodic sweep (CELERY_BEAT_SCHEDULE "requeue-pdf-jobs"): queue again PDF jobs left queued, e.g.
    by a broker outage when they were requested, or claimed by a run that died."""
    return requeue_pdf_jobs(grace=timedelta(seconds=int(grace_seconds)))


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def delete_expired_idempotency_keys():
    """Periodic (CELERY_BEAT_SCHEDULE "delete-expired-idempotency-keys"): forget API idempotency keys
    older than IDEMPOTENCY_KEY_HOURS (core.idempotency.delete_expired_keys). Returns how many."""
    from .idempotency import delete_expired_keys

    return delete_expired_keys()
