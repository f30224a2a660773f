from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """An e-mail invitation of a supplier user. The link carries this row's id, signed with a timestamp
    (portal.invitations); it works once (`used_at`) and until `expires_at`. Resending supersedes the
    earlier open invitations of the same address (`cancelled_at`)."""

    supplier = models.ForeignKey("catalog.Supplier", verbose_name=_("supplier"), on_delete=models.CASCADE,
                                 related_name="portal_invitations")
    email = models.EmailField(_("e-mail"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="portal_invitations")

    class Meta:
        verbose_name = _("supplier user invitation")
        verbose_name_plural = _("supplier user invitations")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("invite_supplier_user", _("Can invite, list and deactivate supplier users")),
            ("view_as_supplier", _("Can view the supplier portal as a supplier (read-only)")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(used_at__isnull=True) | Q(user__isnull=False),
                                   name="portal_invitation_used_has_user"),
        ]

    def __str__(self):
        return f"{self.email} → {self.supplier}"
