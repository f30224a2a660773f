"""Writing and delivering notifications.

`notify` stores the inbox rows in the caller's transaction (the event and its notifications commit or
roll back together) and queues their e-mail delivery once that transaction commits. A broker that is
down never fails the event: the rows stay pending and `redeliver_pending` queues them again later."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone

from core.queueing import publish, publish_on_commit

from . import role_insert
from .messages import LITERAL, Message, jsonable
from .messages import get as get_message
from .models import DeliveryStatus, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 5)
# Longer than the delivery task's hard time limit: a claim this old belongs to a worker that died.
CLAIM_TIMEOUT = timedelta(seconds=getattr(settings, "NOTIFICATION_CLAIM_TIMEOUT", 600))
SWEEP_BATCH = 500


def _user_ids(recipients):
    ids = []
    for recipient in recipients:
        if recipient is None:
            continue
        ids.append(recipient if isinstance(recipient, int) else recipient.pk)
    return ids


def _stored(message, params):
    """(key, JSON params) of what a row stores: a declared Message (or its key) with its parameters. Text
    frozen in the caller's language (the "literal" message of rows written before keys) is refused."""
    key = message.key if isinstance(message, Message) else str(message or "")
    if key == LITERAL.key:
        raise ValueError("Notifications are stored as a message key and parameters, never as frozen text")
    if get_message(key) is None:
        raise ValueError(f"Unknown notification message {key!r}")
    return key, jsonable(dict(params or {}))


def notify(*, recipients, message, params=None, link="", event=""):
    """One inbox row per distinct active recipient (users or user ids) holding `message` (a
    notifications.messages.Message) and its `params`, rendered in each recipient's language when read or
    mailed; e-mail queued on commit. Returns the created notifications."""
    ids = set(_user_ids(recipients))
    if not ids:
        return []
    key, params = _stored(message, params)
    active = get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk")
    now = timezone.now()
    link, event = str(link)[:500], str(event)[:100]
    return _insert([Notification(recipient_id=user_id, message=key, params=params, link=link, event=event,
                                 created_at=now) for user_id in active.values_list("pk", flat=True)])


@dataclass(frozen=True)
class Notice:
    """One message for its own recipients (users or user ids), for `notify_each`."""

    recipients: tuple
    message: object
    params: dict | None = None
    link: str = ""


def notify_each(notices, *, event=""):
    """notify() for many messages at once, each to its own recipients — a periodic task's events (every
    order that became late this minute): one query finds which recipients are active, one bulk insert
    writes every row, queued for delivery on commit. Returns the rows."""
    notices = list(notices)
    ids = {pk for notice in notices for pk in _user_ids(notice.recipients)}
    if not ids:
        return []
    active = set(get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    now = timezone.now()
    event = str(event)[:100]
    rows = []
    for notice in notices:
        key, params = _stored(notice.message, notice.params)
        rows += [Notification(recipient_id=user_id, message=key, params=params, link=str(notice.link)[:500],
                              event=event, created_at=now)
                 for user_id in sorted(set(_user_ids(notice.recipients)) & active)]
    return _insert(rows)


def notify_role(role, *, message, params=None, link="", event=""):
    """notify() every active user holding `role` (a Django group name): `notify_role_many` with one
    message."""
    return notify_role_many(role, [RoleMessage(message, params, link)], event=event)


@dataclass(frozen=True)
class RoleMessage:
    message: object
    params: dict | None = None
    link: str = ""


def notify_role_many(role, messages, *, event=""):
    """Every message to every active user holding `role` — a bulk action's events (approving a page of
    shipments tells the warehouse of each one, as approving them one by one would), written together by
    one statement (notifications.role_insert: the holders found and the rows written at once) and queued
    for delivery on commit in DELIVERY_BATCH-sized tasks. Returns the rows, message by message, recipients
    by id."""
    stored = [(*_stored(m.message, m.params), str(m.link)[:500]) for m in messages]
    if not stored:
        return []
    created = role_insert.with_one_statement(role, stored, event=str(event)[:100], now=timezone.now())
    if created:
        publish_on_commit(queue_delivery, [row.pk for row in created])
    return created


def _insert(rows):
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    publish_on_commit(queue_delivery, [row.pk for row in created])
    return created


# Rows per delivery task: one task per notify() batch (a shipment's approval tells every warehouse
# person in one message); the sweep's larger batches are split so one task stays well inside its time limit.
DELIVERY_BATCH = 50


def queue_delivery(notification_ids):
    """Publish one delivery task per batch of rows (DELIVERY_BATCH) with core.queueing.publish. Never
    raises: if the broker is unreachable the rows stay pending for the periodic sweep, and the event that
    created them has already committed. Returns how many rows were queued."""
    from .tasks import deliver_notifications

    notification_ids = list(notification_ids)
    for start in range(0, len(notification_ids), DELIVERY_BATCH):
        if not publish(deliver_notifications, notification_ids[start:start + DELIVERY_BATCH],
                       left_behind="they stay pending and the periodic sweep will deliver them"):
            return start  # the broker is down: the rest stay pending as well
    return len(notification_ids)


# ---- delivery -------------------------------------------------------------------------------------

def _claimable(now):
    return Q(delivery_status=DeliveryStatus.PENDING) | Q(
        delivery_status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def _absolute(link):
    if not link or link.startswith(("http://", "https://")):
        return link
    return getattr(settings, "SITE_URL", "").rstrip("/") + link


def deliver(notification_id):
    """Send one row's e-mail at most once, however often and however concurrently this runs.

    The row is claimed by a conditional UPDATE (pending → sending) whose row count says whether this
    call won; the winner sends and marks the row sent. Returns the row's delivery status afterwards, or
    None if the row is gone."""
    now = timezone.now()
    claimed = Notification.objects.filter(Q(pk=notification_id), _claimable(now)).update(
        delivery_status=DeliveryStatus.SENDING, claimed_at=now, delivery_attempts=F("delivery_attempts") + 1,
    )
    if not claimed:
        return Notification.objects.filter(pk=notification_id).values_list("delivery_status", flat=True).first()
    row = Notification.objects.select_related("recipient").get(pk=notification_id)
    mine = Notification.objects.filter(pk=row.pk, delivery_status=DeliveryStatus.SENDING, claimed_at=now)
    address = row.recipient.email
    if not address:
        mine.update(delivery_status=DeliveryStatus.NO_ADDRESS, claimed_at=None)
        return DeliveryStatus.NO_ADDRESS
    try:
        if get_message(row.message) is None:  # e.g. a worker older than the code that wrote the row: retry later
            raise LookupError(f"notification message {row.message!r} is not declared in this process")
        # In the recipient's language, whoever caused the event and whatever this worker's language is.
        subject, body = row.render(getattr(row.recipient, "language", "") or settings.LANGUAGE_CODE)
        if row.link:
            body = f"{body}\n\n{_absolute(row.link)}".strip()
        send_mail(" ".join(subject.split())[:200], body, None, [address], fail_silently=False)
    except Exception as exc:
        status = DeliveryStatus.FAILED if row.delivery_attempts >= MAX_ATTEMPTS else DeliveryStatus.PENDING
        mine.update(delivery_status=status, claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000])
        logger.warning("E-mail for notification %s failed (attempt %s): %s", row.pk, row.delivery_attempts, exc)
        return status
    mine.update(delivery_status=DeliveryStatus.SENT, email_sent_at=timezone.now(), claimed_at=None, last_error="")
    return DeliveryStatus.SENT


def undelivered_ids(*, grace=timedelta(seconds=30), limit=SWEEP_BATCH):
    """Rows whose e-mail has not left: pending ones older than `grace` (younger ones are probably still
    in the queue) and claims abandoned by a dead worker."""
    now = timezone.now()
    return list(
        Notification.objects.filter(_claimable(now), created_at__lte=now - grace)
        .order_by("created_at", "pk").values_list("pk", flat=True)[:limit]
    )


def redeliver_pending(*, grace=timedelta(seconds=30), limit=SWEEP_BATCH):
    """Queue delivery again for undelivered rows (the periodic sweep). Returns how many were queued."""
    return queue_delivery(undelivered_ids(grace=grace, limit=limit))


# ---- inbox ----------------------------------------------------------------------------------------

def mark_read(notification, *, actor):
    """Mark one of the actor's own notifications read (a no-op when it already is)."""
    Notification.objects.filter(pk=notification.pk, recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(*, actor):
    """Mark every unread notification of the actor read; returns how many changed."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
