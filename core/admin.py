"""The admin of core's own rows, and the read-only admin every app uses for what only services write
(ledgers, documents with a state, logs): the admin may look, never add, change or delete."""

from django.contrib import admin

from .models import IdempotencyKey, PdfJob, TransitionLog


class ReadOnlyMixin:
    """No adding, changing or deleting in the admin (the view permission still lets it look)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rows written by services only: listed and opened (every field read-only), never added, changed or
    deleted here."""


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """A document's lines under a ReadOnlyAdmin: shown, never added, changed or deleted."""

    extra = 0
    can_delete = False


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only and written by the transition receiver alone."""

    list_display = ["created_at", "content_type", "object_id", "transition", "source", "target", "actor"]
    list_filter = ["content_type", "transition"]
    search_fields = ["object_id", "comment", "actor__username"]
    list_select_related = ["content_type", "actor"]
    date_hierarchy = "created_at"


@admin.register(PdfJob)
class PdfJobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "state", "progress", "total_count", "created_by", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["created_by"]
    readonly_fields = [f.name for f in PdfJob._meta.fields]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    """Read-only: which API calls a client made with which Idempotency-Key, and what they were answered
    (to tell an integrator whether a retried call went through). Deleted after a day by a periodic task."""

    list_display = ["created_at", "user", "key", "method", "path", "status_code"]
    list_filter = ["method", "status_code"]
    search_fields = ["key", "path", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in IdempotencyKey._meta.fields]
