"""After-sales tickets the supplier bears: list, detail with the notes meant for it and a reply form, and
the notes' attachments served through the check (portal.ticket_selectors)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from aftersales.notes import add_note, attachment_response
from core.forms import add_service_errors

from . import ticket_selectors
from .forms import ReplyForm
from .views import PortalView


class TicketListView(PortalView):
    template_name = "portal/ticket_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tickets=ticket_selectors.tickets(self.supplier)[:200], **kwargs)


class TicketDetailView(PortalView):
    template_name = "portal/ticket_detail.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ReplyForm())
        return super().get_context_data(ticket=ticket_selectors.ticket(self.supplier, self.kwargs["pk"]), **kwargs)

    def post(self, request, *args, **kwargs):
        ticket = ticket_selectors.ticket(self.supplier, kwargs["pk"])  # 404 before reading the form
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                add_note(ticket, text=form.cleaned_data["text"], channel="other", actor=request.user,
                         files=request.FILES.getlist("files"), visible_to_supplier=True)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Reply sent."))
                return redirect("portal:ticket_detail", pk=ticket.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AttachmentView(PortalView):
    def get(self, request, pk):
        attachment = ticket_selectors.attachment(self.supplier, pk)
        return attachment_response(attachment)
