"""Celery tasks of core: thin, idempotent, time-limited (CONVENTIONS.md, "Tasks")."""

from celery import shared_task

from .pdf import run_pdf_job

# A batch of a few thousand slips takes minutes (≈0.02 s per slip when laid out 80 per render).
PDF_SOFT_TIME_LIMIT = 25 * 60
PDF_TIME_LIMIT = 30 * 60


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=PDF_SOFT_TIME_LIMIT,
    time_limit=PDF_TIME_LIMIT,
    ignore_result=True,
)
def render_pdf_job(job_id):
    """Render PdfJob `job_id` (a re-delivery renders again and overwrites the file)."""
    run_pdf_job(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def delete_expired_idempotency_keys():
    """Periodic (CELERY_BEAT_SCHEDULE "delete-expired-idempotency-keys"): forget API idempotency keys
    older than IDEMPOTENCY_KEY_HOURS (core.idempotency.delete_expired_keys). Returns how many."""
    from .idempotency import delete_expired_keys

    return delete_expired_keys()
