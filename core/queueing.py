"""Queued work (CONVENTIONS.md, "Queued work"; DESIGN.md, "Notifications"): a row first, written in the
transaction that asks for it; its Celery task published once that transaction commits; a broker error
then is caught and logged — the request that committed never fails because of it — and a periodic sweep
publishes again the rows left behind. The task claims its row with a conditional UPDATE, so the work is
done at most once per row however often its message arrives.

The one mechanism for every queued row: core's own (PDF jobs and list exports, core.pdf) and the apps'
above it (the inbox's e-mails, notifications.services.queue_delivery)."""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


ROW_STAYS = "the row stays queued and the periodic sweep will queue it again"


def publish(task, *args, left_behind=ROW_STAYS):
    """Send `task(*args)` to the broker now. Never raises: on a broker error (kombu's OperationalError,
    redis and socket errors …) it logs a warning — ending with `left_behind`, what becomes of the rows —
    and returns False; the rows stay queued for the sweep."""
    try:
        task.delay(*args)
    except Exception as exc:  # noqa: BLE001 - whatever the broker raises, the committed request stands
        logger.warning("Could not queue %s%r (%s: %s); %s.", getattr(task, "name", task), args,
                       type(exc).__name__, exc, left_behind)
        return False
    return True


def publish_on_commit(callback, *args):
    """Run `callback(*args)` (a function that publishes with `publish`) once the current transaction
    commits; at once outside a transaction. `functools.partial`, never a lambda (CONVENTIONS.md)."""
    transaction.on_commit(partial(callback, *args))
