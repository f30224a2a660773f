"""Celery tasks: thin wrappers around notifications.services; both are safe to run twice."""

from datetime import timedelta

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=90, ignore_result=True)
def deliver_notification(notification_id):
    """Send one notification's e-mail (exactly once: the row is claimed before sending). Kept for
    messages queued before batches existed, and for requeueing a single row by hand."""
    status = services.deliver(int(notification_id))
    return str(status) if status else None


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=300, soft_time_limit=270, ignore_result=True)
def deliver_notifications(notification_ids):
    """Send the e-mails of a batch of rows (one notify() call), each exactly once: every row is claimed on
    its own, so a batch run twice, or overlapping a single-row task or the sweep, sends nothing twice.
    Rows left unsent by a worker that died mid-batch stay claimed until the claim times out, then the
    sweep queues them again."""
    return [str(status) if status else None for status in map(services.deliver, map(int, notification_ids))]


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90, ignore_result=True)
def deliver_pending_notifications(grace_seconds=30):
    """Periodic sweep (CELERY_BEAT_SCHEDULE): queue again rows left pending, e.g. by a broker outage."""
    return services.redeliver_pending(grace=timedelta(seconds=int(grace_seconds)))
