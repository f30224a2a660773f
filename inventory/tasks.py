"""Celery tasks of the stock app: thin, idempotent, time-limited."""

from celery import shared_task
from django.db import transaction

from .selectors import stock_differences


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540, ignore_result=True)
def check_stock_task():
    """Periodic (CELERY_BEAT_SCHEDULE "check-stock"): notify managers of every stock difference.
    Returns the number of differences."""
    differences = stock_differences()
    if differences:
        from notifications.services import notify_role

        from .messages import STOCK_CHECK_FAILED

        lines = [str(d) for d in differences]
        with transaction.atomic():
            notify_role(
                "manager", message=STOCK_CHECK_FAILED, event="inventory.stock_check_failed",
                params={"count": len(lines),
                        "differences": "\n".join(lines[:200]) + ("\n…" if len(lines) > 200 else "")},
            )
    return len(differences)
