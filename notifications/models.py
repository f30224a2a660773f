"""The inbox: one row per recipient and event, written in the event's transaction, then delivered by
e-mail through Celery. The row is the outbox too: its delivery state says whether the e-mail left."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    NO_ADDRESS = "no_address", _("No e-mail address")
    FAILED = "failed", _("Failed")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(recipient=user)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("recipient"),
    )
    # The text is rendered in the reader's language when shown or mailed (notifications/messages.py).
    message = models.CharField(_("message"), max_length=100)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    event = models.CharField(_("event"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    # E-mail channel. A task claims the row (pending → sending) with a conditional UPDATE, sends, then
    # marks it sent; the sweep re-queues pending rows and claims older than DELIVERY_CLAIM_TIMEOUT.
    delivery_status = models.CharField(
        _("e-mail delivery"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread"),
            models.Index(
                fields=["created_at"], name="notif_undelivered",
                condition=models.Q(delivery_status__in=["pending", "sending"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(delivery_status="sent") | models.Q(email_sent_at__isnull=False),
                name="notif_sent_has_time",
            ),
        ]

    def __str__(self):
        return self.subject

    def render(self, language=None):
        """(subject, body) in `language` (default: the active one)."""
        from .messages import render

        return render(self.message, self.params, language)

    @property
    def subject(self):
        return self.render()[0]

    @property
    def body(self):
        return self.render()[1]

    @property
    def is_read(self):
        return self.read_at is not None
