from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "event", "created_at", "read_at", "delivery_status",
                    "delivery_attempts")
    list_filter = ("delivery_status", "event")
    # The subject is rendered from the message key (notifications/messages.py), not stored: search the key.
    search_fields = ("message", "recipient__username", "recipient__email")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
    readonly_fields = ("subject", "body", "created_at", "claimed_at", "email_sent_at", "delivery_attempts",
                       "last_error")
