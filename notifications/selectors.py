"""Reads of the inbox shared by the views and the header badge."""

from .models import Notification


def inbox_for(user, *, unread_only=False):
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
