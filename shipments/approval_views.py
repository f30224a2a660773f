"""The approval queue: submitted shipments the approver did not enter (maker-checker), with filters;
tick many and approve them at once (shipments.approval.approve_shipments — all or nothing: one refusal,
such as a stock shortfall or a shipment changed meanwhile, approves none and says why). Thin."""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from catalog.models import Store, Supplier, Warehouse
from core.filters import ConsignFilterSet
from core.parsing import parse_id
from core.tables import ConsignTable, NumberColumn
from core.views import ConsignListView

from . import selectors
from .approval import approve_shipments
from .models import Shipment, ShipmentKind
from .tables import ShipmentQueueTable, tick_column

APPROVE_PERMISSION = "shipments.approve_shipment"
APPROVE_FORM_ID = "approval-form"
MAX_APPROVALS = 200  # shipments per "approve ticked" (a few pages of the queue)


class ApprovalFilter(ConsignFilterSet):
    search_fields = ("order__external_order_no", "order__recipient_name")
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=ShipmentKind.choices)
    store = django_filters.ModelChoiceFilter(label=gettext_lazy("Store"), field_name="order__store",
                                             queryset=Store.objects.order_by("name"))
    warehouse = django_filters.ModelChoiceFilter(label=gettext_lazy("Warehouse"),
                                                 queryset=Warehouse.objects.order_by("name"))
    supplier = django_filters.ModelChoiceFilter(label=gettext_lazy("Supplier"),
                                                queryset=Supplier.objects.order_by("name"))
    entered_from = django_filters.DateFilter(label=gettext_lazy("Entered from"), field_name="entry_date",
                                             lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Shipment
        fields = ["q", "kind", "store", "warehouse", "supplier", "entered_from"]


class ApprovalTable(ShipmentQueueTable):
    pick = tick_column(APPROVE_FORM_ID, "approval-pick")
    order = tables.Column(verbose_name=gettext_lazy("Order no."), accessor="order__external_order_no")
    store = tables.Column(verbose_name=gettext_lazy("Store"), accessor="order__store__name")
    kind = tables.Column(verbose_name=gettext_lazy("Kind"))
    ships_from = tables.Column(verbose_name=gettext_lazy("Ships from"), empty_values=(), orderable=False)
    line_count = NumberColumn(verbose_name=gettext_lazy("Lines"), orderable=False)
    units = NumberColumn(verbose_name=gettext_lazy("Units"), orderable=False)
    entered_by = tables.Column(verbose_name=gettext_lazy("Entered by"), accessor="entered_by__username")
    entry_date = tables.DateColumn(verbose_name=gettext_lazy("Entry date"), format="Y-m-d")

    class Meta(ConsignTable.Meta):
        model = Shipment
        fields = ("pick", "number", "order", "store", "kind", "ships_from", "line_count", "units", "entered_by",
                  "entry_date")
        order_by = ("number",)
        attrs = {**ConsignTable.Meta.attrs, "id": "approval-table"}
        row_attrs = {"data-shipment": lambda record: record.number}

    def render_ships_from(self, record):
        return record.warehouse.name if record.warehouse_id else record.supplier.name if record.supplier_id else "—"


class ApprovalQueueView(ConsignListView):
    """Submitted shipments awaiting the user's approval (never their own entries), oldest first."""

    permission_required = APPROVE_PERMISSION
    model = Shipment
    template_name = "shipments/approvals.html"
    table_class = ApprovalTable
    filterset_class = ApprovalFilter
    title = gettext_lazy("Approval queue")
    export_filename = "approval-queue"

    def get_queryset(self):
        return selectors.approval_queue_for(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(approve_form_id=APPROVE_FORM_ID, max_approvals=MAX_APPROVALS, **kwargs)


class ApproveTickedView(PermissionRequiredMixin, View):
    """POST `shipment` (ticked ids) → approve them all, or none with the reason; back to the queue."""

    permission_required = APPROVE_PERMISSION
    http_method_names = ["post"]

    def post(self, request):
        back = redirect(f"{reverse('shipments:approval_queue')}?{request.POST.get('filters', '')}")
        ids = sorted({parse_id(pk) for pk in request.POST.getlist("shipment") if parse_id(pk)})
        if not ids:
            messages.error(request, _("Tick at least one shipment."))
            return back
        if len(ids) > MAX_APPROVALS:
            messages.error(request, _("At most %(n)d shipments at once.") % {"n": MAX_APPROVALS})
            return back
        shipments = list(Shipment.objects.filter(pk__in=ids).order_by("pk"))
        if len(shipments) != len(ids):
            messages.error(request, _("Some ticked shipments no longer exist; nothing was approved."))
            return back
        try:
            approved = approve_shipments(shipments, actor=request.user)
        except ValidationError as exc:
            messages.error(request, _("Nothing was approved: %(why)s") % {"why": " ".join(exc.messages)})
            return back
        except (PermissionDenied, TransitionNotAllowed, ConcurrentTransition) as exc:
            messages.error(request, _("Nothing was approved: %(why)s") % {"why": exc})
            return back
        messages.success(request, _("%(n)d shipments approved: %(list)s")
                         % {"n": len(approved), "list": ", ".join(s.number for s in approved)})
        return back
