"""After-sales pages. Thin: forms shape the input, aftersales.services writes, selectors read."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm

from core.forms import add_service_errors
from core.parsing import parse_id
from core.transitions import transition_label
from core.views import ConsignListView
from inventory.services import StockError
from orders.models import Order
from reconciliation.services import SupplierEntryError

from . import assigning, notes, outbound, selectors, services
from .filters import TicketFilter
from .forms import LINE_PREFIX, ActionForm, AssignForm, NoteForm, OutboundShipmentForm, TicketForm
from .models import USER_TRANSITIONS, Ticket, TicketAttachment, TicketState
from .returnable import ReturnableExceeded, returnable_quantities
from .tables import TicketTable


class TicketListView(ConsignListView):
    """Tickets with filters (type, state, store, supplier, handler, overdue), a search that also reads
    the notes, an age column, bulk assignment to a handler, and export."""

    permission_required = "aftersales.view_ticket"
    model = Ticket
    template_name = "aftersales/ticket_list.html"
    table_class = TicketTable
    filterset_class = TicketFilter
    title = gettext_lazy("After-sales tickets")
    create_url_name = "aftersales:ticket_create"
    export_filename = "after-sales-tickets"

    def get_queryset(self):
        return selectors.ticket_list()

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not self.request.user.has_perm("aftersales.assign_ticket"):
            kwargs["exclude"] = ("select",)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("aftersales.assign_ticket"):
            context["assign_form"] = AssignForm()
        return context


def _order_part_context(order, ticket=None, quantities=None, line_errors=None):
    """What the order part of the form shows: the order's lines with quantity inputs, each with its
    returnable quantity (and the error of a line that exceeded it), the supplier to prefill, and the
    reference section (order, shipments, earlier tickets)."""
    lines = list(order.lines.select_related("product", "product__default_supplier").order_by("id"))
    if quantities is None and ticket is not None and ticket.order_id == order.pk:
        quantities = {line.order_line_id: line.quantity for line in ticket.lines.all()}
    quantities = quantities or {}
    returnable = returnable_quantities(order, exclude_ticket=ticket)
    line_errors = line_errors or {}
    for line in lines:
        line.ticket_quantity = quantities.get(line.pk, "")
        line.returnable = returnable.get(line.pk, 0)
        line.error = line_errors.get(line.pk, "")
    supplier = selectors.prefill_supplier(order, lines)
    return {
        "order": order, "order_lines": lines, "prefill_supplier": supplier,
        "shipments": selectors.order_shipments(order),
        "earlier_tickets": selectors.tickets_for_order(order, exclude=ticket),
        "line_prefix": LINE_PREFIX,
    }


class TicketFormView(PermissionRequiredMixin, TemplateView):
    """The one registration/edit form: ticket info, compensation, check status, reference."""

    template_name = "aftersales/ticket_form.html"
    ticket = None

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.ticket = get_object_or_404(Ticket.objects.select_related("order"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ticket = self.ticket
        form = kwargs.pop("form", None)
        if form is None:
            if ticket is not None:
                form = TicketForm(initial=TicketForm.initial_for(ticket), current_order=ticket.order)
            else:
                initial = {"handler": self.request.user.pk if self.request.user.has_role("sales") else None}
                order = Order.objects.filter(pk=parse_id(self.request.GET.get("order")) or 0).first()
                if order is not None:
                    initial["order"] = order.pk
                    supplier = selectors.prefill_supplier(order)
                    initial["supplier"] = supplier.pk if supplier else None
                form = TicketForm(initial=initial, current_order=order)
        order = kwargs.pop("order", None)
        if order is None:
            order_id = form["order"].value()
            order = Order.objects.filter(pk=parse_id(order_id)).first() if parse_id(order_id) else None
        context = super().get_context_data(form=form, ticket=ticket, **kwargs)
        if order is not None:
            context.update(_order_part_context(order, ticket, kwargs.get("quantities"), kwargs.get("line_errors")))
        if ticket is not None:
            context["check"] = selectors.reconciliation_status(ticket)
        return context

    def post(self, request, *args, **kwargs):
        form = TicketForm(request.POST, current_order=self.ticket.order if self.ticket else None)
        quantities = {}
        line_errors = {}
        for key, value in request.POST.items():
            if key.startswith(LINE_PREFIX) and parse_id(key[len(LINE_PREFIX):]):
                quantities[int(key[len(LINE_PREFIX):])] = value
        if form.is_valid():
            data = form.ticket_data(request.POST)
            if not form.errors:
                try:
                    if self.ticket is None:
                        ticket = services.register_ticket(data=data, actor=request.user)
                        messages.success(request, _("After-sales ticket %(no)s registered.") % {"no": ticket})
                    else:
                        ticket = services.update_ticket(self.ticket, data=data, actor=request.user)
                        messages.success(request, _("After-sales ticket %(no)s saved.") % {"no": ticket})
                except ReturnableExceeded as exc:  # shown on each line that exceeded (field level)
                    line_errors = exc.by_line
                    form.add_error(None, _("A line asks for more than its returnable quantity; see the lines."))
                except ValidationError as exc:
                    add_service_errors(form, exc)
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                else:
                    return redirect(ticket)
        return self.render_to_response(self.get_context_data(form=form, quantities=quantities,
                                                             line_errors=line_errors), status=400)


class TicketCreateView(TicketFormView):
    permission_required = "aftersales.add_ticket"


class TicketEditView(TicketFormView):
    permission_required = "aftersales.change_ticket"

    def get(self, request, *args, **kwargs):
        if self.ticket.state != TicketState.REGISTERED:
            messages.warning(request, _("Only a registered ticket can be changed."))
            return redirect(self.ticket)
        return super().get(request, *args, **kwargs)


class OrderPartView(PermissionRequiredMixin, TemplateView):
    """htmx: the picked order's lines (quantity inputs), supplier prefill and reference section."""

    permission_required = "aftersales.view_ticket"
    template_name = "aftersales/_order_part.html"

    def get_context_data(self, **kwargs):
        order_id = self.request.GET.get("order", "")
        order = Order.objects.select_related("store").filter(pk=parse_id(order_id)).first() if parse_id(order_id) \
            else None
        ticket_id = self.request.GET.get("ticket", "")
        ticket = Ticket.objects.filter(pk=parse_id(ticket_id)).first() if parse_id(ticket_id) else None
        context = super().get_context_data(oob=True, **kwargs)
        if order is not None:
            context.update(_order_part_context(order, ticket))
        return context


def available_actions(ticket, user):
    """[(name, label)] of the transitions this user may run on the ticket now."""
    actions = []
    for name in USER_TRANSITIONS:
        method = getattr(ticket, name)
        if can_proceed(method) and has_transition_perm(method, user):
            actions.append((name, transition_label(Ticket, name)))
    return actions


class TicketDetailView(PermissionRequiredMixin, TemplateView):
    """A ticket: its four sections, the actions the user may run, the notes thread and the timeline."""

    permission_required = "aftersales.view_ticket"
    template_name = "aftersales/ticket_detail.html"

    def get_context_data(self, **kwargs):
        try:
            ticket = selectors.ticket_detail(self.kwargs["pk"])
        except Ticket.DoesNotExist:
            raise Http404 from None
        user = self.request.user
        return super().get_context_data(
            ticket=ticket,
            actions=available_actions(ticket, user),
            action_form=ActionForm(),
            note_form=kwargs.pop("note_form", None) or NoteForm(),
            may_note=user.has_perm("aftersales.add_ticketnote"),
            may_edit=ticket.state == TicketState.REGISTERED and user.has_perm("aftersales.change_ticket"),
            check=selectors.reconciliation_status(ticket),
            may_ship=outbound.may_create_outbound_shipment(ticket, user),
            shipment_form=OutboundShipmentForm(initial={"supplier": ticket.supplier_id,
                                                        "warehouse": ticket.return_warehouse_id}),
            shipments=selectors.order_shipments(ticket.order),
            earlier_tickets=selectors.tickets_for_order(ticket.order, exclude=ticket),
            order=ticket.order,
            **kwargs,
        )


class TicketActionView(PermissionRequiredMixin, View):
    """POST: run one transition (the service checks the permission and the state)."""

    permission_required = "aftersales.view_ticket"
    http_method_names = ["post"]

    def post(self, request, pk, name):
        ticket = get_object_or_404(Ticket, pk=pk)
        if name not in USER_TRANSITIONS:
            raise Http404
        form = ActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
            return redirect(ticket)
        data = form.cleaned_data
        refund = services.Refund(amount=data.get("refund_amount"), date=data.get("refund_date"),
                                 reference=data.get("refund_reference", ""))
        label = transition_label(Ticket, name)
        try:
            result = services.run_transition(ticket, name, actor=request.user, comment=data.get("comment", ""),
                                             reason=data.get("comment", ""), refund=refund)
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(request, _("%(action)s is not possible now: the ticket is %(state)s (perhaps someone "
                                      "else changed it just now). Reload and check.")
                           % {"action": label, "state": Ticket.objects.get(pk=pk).get_state_display()})
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except (StockError, SupplierEntryError) as exc:
            messages.error(request, str(exc))
        else:
            if getattr(result, "was_already_resolved", False):
                messages.info(request, _("Ticket %(no)s was already resolved; nothing was changed.") % {"no": result})
            else:
                messages.success(request, _("%(action)s: ticket %(no)s is now %(state)s.")
                                 % {"action": label, "no": result, "state": result.get_state_display()})
        return redirect(ticket)


class OutboundShipmentView(PermissionRequiredMixin, View):
    """POST: enter the exchange/reship shipment of the ticket (then it follows the shipment flow)."""

    permission_required = "shipments.add_shipment"
    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = get_object_or_404(Ticket.objects.select_related("outbound_shipment"), pk=pk)
        form = OutboundShipmentForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
            return redirect(ticket)
        data = form.cleaned_data
        try:
            shipment = outbound.create_outbound_shipment(
                ticket, kind=data["kind"], supplier=data.get("supplier"), warehouse=data.get("warehouse"),
                freight=data.get("freight") or 0, actor=request.user)
        except (ValidationError, TransitionNotAllowed, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
            return redirect(ticket)
        messages.success(request, _("Shipment %(s)s entered for ticket %(no)s; submit it for approval. The ticket "
                                    "is resolved when it is dispatched.") % {"s": shipment, "no": ticket})
        return redirect(shipment)


class NoteCreateView(PermissionRequiredMixin, View):
    permission_required = "aftersales.add_ticketnote"
    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = get_object_or_404(Ticket, pk=pk)
        form = NoteForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                notes.add_note(ticket, text=form.cleaned_data["text"], channel=form.cleaned_data["channel"],
                                  files=request.FILES.getlist("files"), actor=request.user,
                                  visible_to_supplier=form.cleaned_data["visible_to_supplier"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Note added."))
                return redirect(f"{ticket.get_absolute_url()}#notes")
        view = TicketDetailView()
        view.setup(request, pk=pk)
        response = view.render_to_response(view.get_context_data(note_form=form))
        response.status_code = 400
        return response


class AssignView(PermissionRequiredMixin, View):
    """POST from the list: the ticked tickets go to the picked handler."""

    permission_required = "aftersales.assign_ticket"
    http_method_names = ["post"]

    def post(self, request):
        form = AssignForm(request.POST)
        back = request.POST.get("next") or ""
        if not back.startswith("/") or back.startswith("//"):
            back = ""
        target = back or "aftersales:ticket_list"
        if not form.is_valid():
            messages.error(request, _("Pick the handler to assign the tickets to."))
            return redirect(target)
        ids = [parse_id(v) for v in request.POST.getlist("ticket") if parse_id(v)]
        try:
            changed = assigning.assign_tickets(ids, handler=form.cleaned_data["handler"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(count)d ticket(s) assigned to %(handler)s.")
                             % {"count": changed, "handler": form.cleaned_data["handler"]})
        return redirect(target)


class AttachmentView(PermissionRequiredMixin, View):
    """An attachment, served through the access check (images and PDF inline, the rest as downloads)."""

    permission_required = "aftersales.view_ticketattachment"

    def get(self, request, pk):
        attachment = get_object_or_404(TicketAttachment, pk=pk)
        return notes.attachment_response(attachment)
