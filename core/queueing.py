"""Queued work (CONVENTIONS.md, "Queued work"; DESIGN.md, "Notifications"): a row first, written in the
transaction that asks for it; its Celery task published once that transaction commits; a broker error
then is caught and logged — the request that committed never fails because of it — and a periodic sweep
publishes again the rows left behind. The task claims its row with a conditional UPDATE, so the work is
done at most once per row however often its message arrives.

This is the mechanism notifications.services.queue_delivery / redeliver_pending use for the inbox's
e-mails, here for core's own queued rows (PDF jobs, core.pdf); core sits below notifications and cannot
import it."""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def publish(task, *args):
    """Send `task(*args)` to the broker now. Never raises: on a broker error (kombu's OperationalError,
    redis and socket errors …) it logs a warning and returns False; the row stays queued for the sweep."""
    try:
        task.apply_async(args=args)
    except Exception as exc:  # noqa: BLE001 - whatever the broker raises, the committed request stands
        logger.warning("Could not queue %s%r (%s: %s); the row stays queued and the periodic sweep will "
                       "queue it again.", getattr(task, "name", task), args, type(exc).__name__, exc)
        return False
    return True


def publish_on_commit(callback, *args):
    """Run `callback(*args)` (a function that publishes with `publish`) once the current transaction
    commits; at once outside a transaction. `functools.partial`, never a lambda (CONVENTIONS.md)."""
    transaction.on_commit(partial(callback, *args))
