"""The seller's side of supplier users (internal pages, portal.invite_supplier_user): per supplier, list its
portal users and open invitations, invite by e-mail, resend an invitation, deactivate a user. And the
invitee's own page, public, reached through the signed link."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from catalog.models import Supplier
from core.access import Access
from core.forms import add_service_errors

from . import invitations
from .forms import AcceptForm, InviteForm
from .models import Invitation

INVITE_PERMISSION = "portal.invite_supplier_user"


class SupplierListView(TemplateView):
    """Every supplier with its count of active portal users: where finance starts."""

    permission_required = (INVITE_PERMISSION,)
    template_name = "portal/staff/supplier_list.html"

    def get_context_data(self, **kwargs):
        suppliers = (Supplier.objects.annotate(active_users=Count("portal_users", filter=Q(portal_users__is_active=True)))
                     .order_by("name"))
        return super().get_context_data(suppliers=suppliers, **kwargs)


class SupplierUsersView(TemplateView):
    permission_required = (INVITE_PERMISSION,)
    template_name = "portal/staff/supplier_users.html"

    def dispatch(self, request, *args, **kwargs):
        self.supplier = get_object_or_404(Supplier, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", InviteForm())
        open_invitations = (Invitation.objects.filter(supplier=self.supplier, used_at__isnull=True,
                                                      cancelled_at__isnull=True)
                            .select_related("invited_by"))
        return super().get_context_data(supplier=self.supplier, users=invitations.supplier_users(self.supplier),
                                        invitations=open_invitations, now=timezone.now(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                invitations.invite_supplier_user(self.supplier, email=form.cleaned_data["email"],
                                                 actor=request.user, language=form.cleaned_data["language"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("portal:staff_supplier_users", pk=self.supplier.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ResendInvitationView(View):
    permission_required = (INVITE_PERMISSION,)

    def post(self, request, pk):
        invitation = get_object_or_404(Invitation, pk=pk)
        try:
            invitations.resend_invitation(invitation, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Invitation sent again to %(email)s.") % {"email": invitation.email})
        return redirect("portal:staff_supplier_users", pk=invitation.supplier_id)


class DeactivateUserView(View):
    permission_required = (INVITE_PERMISSION,)

    def post(self, request, pk, user_pk):
        supplier = get_object_or_404(Supplier, pk=pk)
        user = get_object_or_404(supplier.portal_users, pk=user_pk)
        invitations.deactivate_supplier_user(supplier, user, actor=request.user)
        messages.success(request, _("%(user)s can no longer log in.") % {"user": user.username})
        return redirect("portal:staff_supplier_users", pk=supplier.pk)


class AcceptInvitationView(TemplateView):
    """The invitee sets its password through the signed link, and is logged in."""

    access = Access.PUBLIC
    template_name = "portal/accept.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.invitation = invitations.invitation_for_token(kwargs["token"])
        except ValidationError as exc:
            self.invitation = None
            self.refusal = exc.messages[0]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", AcceptForm())
        return super().get_context_data(invitation=self.invitation, refusal=getattr(self, "refusal", ""), **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(), status=200 if self.invitation else 410)

    def post(self, request, *args, **kwargs):
        if self.invitation is None:
            return self.render_to_response(self.get_context_data(), status=410)
        form = AcceptForm(request.POST)
        if form.is_valid():
            try:
                user = invitations.accept_invitation(
                    kwargs["token"], password=form.cleaned_data["password"], language=form.cleaned_data["language"],
                    first_name=form.cleaned_data["first_name"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                login(request, user)  # the one configured backend (settings.AUTHENTICATION_BACKENDS)
                return redirect("portal:home")
        return self.render_to_response(self.get_context_data(form=form), status=400)
