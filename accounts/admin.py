from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User
from .tokens import create_token, revoke_token

admin.site.register(User, UserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators create tokens for integrations (the key is shown once, in the message) and
    revoke them; the key hash is never shown and never edited."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked", "revoked_at"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a token's user and name stay as created
            return [*self.readonly_fields, "user", "name"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, key = create_token(user=obj.user, name=obj.name, actor=request.user)
        obj.pk = token.pk
        obj.__dict__.update({f.attname: getattr(token, f.attname) for f in token._meta.concrete_fields})
        self.message_user(
            request,
            _("Token “%(name)s” created. Copy it now, it is shown only once: %(key)s") % {"name": token.name, "key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_selected(self, request, queryset):
        for token in queryset.filter(revoked=False):
            revoke_token(token, actor=request.user)
