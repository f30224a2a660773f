from django.contrib import admin

from .models import IdempotencyKey, PdfJob, TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only and written by the transition receiver alone."""

    list_display = ["created_at", "content_type", "object_id", "transition", "source", "target", "actor"]
    list_filter = ["content_type", "transition"]
    search_fields = ["object_id", "comment", "actor__username"]
    list_select_related = ["content_type", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PdfJob)
class PdfJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "state", "progress", "total_count", "created_by", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["created_by"]
    readonly_fields = [f.name for f in PdfJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    """Read-only: which API calls a client made with which Idempotency-Key, and what they were answered
    (to tell an integrator whether a retried call went through). Deleted after a day by a periodic task."""

    list_display = ["created_at", "user", "key", "method", "path", "status_code"]
    list_filter = ["method", "status_code"]
    search_fields = ["key", "path", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in IdempotencyKey._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
