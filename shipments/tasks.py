"""Celery tasks of the shipments app: thin, idempotent, time-limited."""

import logging

from celery import shared_task
from django.db import IntegrityError

from .deadline_notices import send_deadline_notices

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=300, soft_time_limit=270, ignore_result=True)
def send_deadline_notices_task():
    """Periodic (CELERY_BEAT_SCHEDULE "dispatch-deadline-notices"): tell people of orders and drop-ships
    that became at risk or overdue, each once. Safe to run twice: a run that meets notices another run
    wrote at the same moment rolls back whole, and the next run sends what is left."""
    try:
        return send_deadline_notices()
    except IntegrityError:
        logger.info("Dispatch deadline notices: a concurrent run wrote them first; the next run sends the rest.")
        return None
