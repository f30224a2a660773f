"""Shipment pages: list, entry form (one form whose kind-specific part is swapped by htmx), the
shipment page with its actions, and the action endpoint. Views are thin: every write is a service."""

from decimal import Decimal

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
from core.views import ConsignListView
from inventory.models import StockBalance
from orders.models import Order
from reconciliation.selectors import entries_for

from . import selectors
from .approval import approve_shipment, reject_shipment, reopen_shipment, submit_shipment
from .cancelling import cancel_shipment
from .dispatching import dispatch_shipment, mark_delivered, mark_received, start_picking
from .drop_ship_split import create_drop_ships_by_supplier, supplier_groups
from .entry import LineInput, create_shipment
from .filters import ShipmentFilter
from .forms import ReasonForm, ShipmentHeaderForm, TrackingForm
from .models import Shipment, ShipmentKind
from .tables import ShipmentTable


class ShipmentListView(ConsignListView):
    permission_required = "shipments.view_shipment"
    model = Shipment
    table_class = ShipmentTable
    filterset_class = ShipmentFilter
    title = gettext_lazy("Shipments")
    create_url_name = "shipments:shipment_create"

    def get_queryset(self):
        return selectors.shipment_list()


# ---- entry ------------------------------------------------------------------------------------------

def _lines_context(order, kind, warehouse_id=None, data=None):
    """The order's lines with open quantity, the quantity/price typed (or prefilled) and, for a
    company dispatch, the available stock in the chosen warehouse."""
    if order is None:
        return []
    lines = selectors.order_lines_with_open_quantity(order.pk)
    available = {}
    if kind == ShipmentKind.COMPANY_DISPATCH and warehouse_id:
        available = dict(StockBalance.objects.filter(warehouse_id=warehouse_id,
                                                     product_id__in=[line.product_id for line in lines])
                         .values_list("product_id", "on_hand").order_by())
        reserved = dict(StockBalance.objects.filter(warehouse_id=warehouse_id,
                                                    product_id__in=[line.product_id for line in lines])
                        .values_list("product_id", "reserved").order_by())
        available = {k: v - reserved.get(k, 0) for k, v in available.items()}
    for line in lines:
        line.available = available.get(line.product_id, 0) if warehouse_id else None
        if data is not None:
            line.qty_value = data.get(f"qty_{line.pk}", "")
            line.price_value = data.get(f"price_{line.pk}", line.product.supplier_unit_cost)
        else:
            line.qty_value = line.open_quantity or ""
            line.price_value = line.product.supplier_unit_cost
    return lines


def _default_supplier(lines):
    for line in lines:
        return line.product.default_supplier
    return None


class ShipmentFormMixin(PermissionRequiredMixin):
    permission_required = "shipments.add_shipment"

    def header(self, data):
        order = None
        order_id = data.get("order")
        if parse_id(order_id):
            order = Order.objects.select_related("store").filter(pk=parse_id(order_id)).first()
        kind = data.get("kind") or ShipmentKind.COMPANY_DISPATCH
        if kind not in ShipmentKind.values:
            kind = ShipmentKind.COMPANY_DISPATCH
        return order, kind

    def part_context(self, data, *, bound=False):
        order, kind = self.header(data)
        warehouse_id = data.get("warehouse") or None
        if warehouse_id and not parse_id(warehouse_id):
            warehouse_id = None
        lines = _lines_context(order, kind, warehouse_id, data if bound else None)
        form_data = {"order": order.pk if order else "", "kind": kind, "warehouse": warehouse_id or "",
                     "supplier": data.get("supplier") or "", "freight": data.get("freight", "0") or "0"}
        if not bound and kind == ShipmentKind.DROP_SHIP and not data.get("supplier"):
            supplier = _default_supplier(lines)
            form_data["supplier"] = supplier.pk if supplier else ""
        form = ShipmentHeaderForm(data=form_data) if bound else ShipmentHeaderForm(initial=form_data)
        return {"form": form, "order": order, "kind": kind, "lines": lines,
                "is_drop_ship": kind == ShipmentKind.DROP_SHIP}


class ShipmentCreateView(ShipmentFormMixin, TemplateView):
    """Enter a shipment: order (searchable list, or preset from the order page), kind, the lines with
    their open quantities and the quantity this time; supplier + price + freight or warehouse."""

    template_name = "shipments/shipment_form.html"

    def get_context_data(self, **kwargs):
        context = kwargs.get("part") or self.part_context(self.request.GET)
        return super().get_context_data(title=_("New shipment"), **context, **kwargs)

    def post(self, request):
        data = request.POST
        context = self.part_context(data, bound=True)
        form, order, kind = context["form"], context["order"], context["kind"]
        row_errors = {}
        lines = _line_inputs(data, context["lines"], kind, row_errors)
        if not form.is_valid() or row_errors or order is None:
            return self.refused(context, row_errors)
        wants_submit = "submit" in data or (data.get("then_submit") == "1"
                                            and ("split" in data or "one_supplier" in data))
        if kind == ShipmentKind.DROP_SHIP and "one_supplier" not in data:
            groups = supplier_groups(order, lines)
            if len(groups) > 1:
                return self.split(context, groups, wants_submit=wants_submit)
        try:
            shipment = create_shipment(
                order=order, kind=kind, lines=lines, actor=request.user,
                supplier=form.cleaned_data.get("supplier"), warehouse=form.cleaned_data.get("warehouse"),
                freight=form.cleaned_data.get("freight") or Decimal("0"))
        except ValidationError as exc:
            add_service_errors(form, exc, rows=[line.pk for line in context["lines"]], row_errors=row_errors)
            return self.refused(context, row_errors)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return self.render_to_response(self.get_context_data(part=context))
        if wants_submit:
            try:
                submit_shipment(shipment, actor=request.user)
            except (PermissionDenied, TransitionNotAllowed, ConcurrentTransition) as exc:
                messages.error(request, str(exc))
        messages.success(request, _("Shipment %(no)s saved.") % {"no": shipment.number})
        return redirect(shipment)

    def refused(self, context, row_errors):
        """The form again, nothing saved: each refused line marked with its message next to its input, a
        header field's next to that field, a summary on top."""
        for line in context["lines"]:
            line.errors = row_errors.get(line.pk, {})
        if row_errors:
            context["form"].add_error(None, _("Nothing was saved: correct the marked lines."))
        return self.render_to_response(self.get_context_data(part=context))

    def split(self, context, groups, *, wants_submit):
        """The drop-ship's lines come from several suppliers: offer one drop-ship per supplier (each with
        its freight) — or, confirmed, create them all (all or nothing) and go to the order."""
        request, data, form = self.request, self.request.POST, context["form"]
        chosen = form.cleaned_data.get("supplier")
        skus = {line.pk: line.product.sku for line in context["lines"]}
        for group in groups:
            group.rows = [(skus.get(line.order_line, "?"), line.quantity) for line in group.lines]
            default = (form.cleaned_data.get("freight") or Decimal("0")) if group.supplier == chosen else Decimal("0")
            group.freight = str(data.get(f"freight_{group.supplier.pk}", default)).strip() or "0"
        context.update(split=groups, split_submit=wants_submit, chosen_supplier=chosen)
        if "split" not in data:
            return self.render_to_response(self.get_context_data(part=context))
        try:
            shipments = create_drop_ships_by_supplier(order=context["order"], groups=groups, actor=request.user,
                                                      submit=wants_submit)
        except ValidationError as exc:
            row_errors = add_service_errors(form, exc, rows=[line.pk for line in context["lines"]])
            return self.refused(context, row_errors)
        except (PermissionDenied, TransitionNotAllowed, ConcurrentTransition) as exc:
            messages.error(request, str(exc) or _("You may not do this."))
            return self.render_to_response(self.get_context_data(part=context))
        messages.success(request, _("%(n)d drop-ships saved, one per supplier: %(numbers)s.")
                         % {"n": len(shipments), "numbers": ", ".join(s.number for s in shipments)})
        return redirect(context["order"])


def _line_inputs(data, lines, kind, row_errors):
    """The typed lines as LineInput (a blank or 0 quantity skips the line); what cannot be read
    goes into `row_errors` {order line id: {field: [messages]}}, to be shown next to its input."""
    inputs = []
    for line in lines:
        raw = str(data.get(f"qty_{line.pk}", "")).strip()
        if raw == "":
            continue
        try:
            quantity = int(raw)
        except ValueError:
            row_errors.setdefault(line.pk, {}).setdefault("quantity", []).append(
                _("%(sku)s: the quantity must be a whole number.") % {"sku": line.product.sku})
            continue
        if quantity == 0:
            continue
        price = None
        if kind == ShipmentKind.DROP_SHIP:
            # read by the service with core.parsing.parse_money, which names a refused price on its line
            price = str(data.get(f"price_{line.pk}", "")).strip() or None
        inputs.append(LineInput(order_line=line.pk, quantity=quantity, supplier_unit_price=price))
    return inputs


class ShipmentFormPartView(ShipmentFormMixin, TemplateView):
    """htmx: the kind-specific part of the entry form (supplier/freight or warehouse, and the lines)."""

    template_name = "shipments/_kind_part.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.part_context(self.request.GET), **kwargs)


# ---- the shipment page and its actions -----------------------------------------------------------------

ACTIONS = {
    # url action → (model transition, button label, confirmation, button style)
    "submit": ("submit", gettext_lazy("Submit for approval"), gettext_lazy("Submit this shipment?"), "primary"),
    "approve": ("approve", gettext_lazy("Approve"), gettext_lazy("Approve this shipment?"), "success"),
    "reject": ("reject", gettext_lazy("Reject"), None, "outline-danger"),
    "reopen": ("reopen", gettext_lazy("Back to draft"), gettext_lazy("Take this shipment back to draft?"),
               "outline-secondary"),
    "start-picking": ("start_picking", gettext_lazy("Start picking"), gettext_lazy("Start picking?"), "primary"),
    "dispatch": (None, gettext_lazy("Dispatch"), None, "primary"),
    "deliver": ("mark_delivered", gettext_lazy("Mark delivered"), gettext_lazy("Mark this shipment delivered?"),
                "primary"),
    "receive": ("mark_received", gettext_lazy("Mark received"), gettext_lazy("Mark this shipment received?"),
                "primary"),
    "cancel": ("cancel", gettext_lazy("Cancel shipment"), None, "outline-danger"),
}


def dispatch_transition(shipment):
    return "dispatch" if shipment.kind == ShipmentKind.COMPANY_DISPATCH else "dispatch_dropship"


def allowed_actions(shipment, user):
    """The actions the user may run now (buttons offered only for these)."""
    allowed = []
    for action, (name, *_rest) in ACTIONS.items():
        method = getattr(shipment, name or dispatch_transition(shipment))
        if can_proceed(method) and has_transition_perm(method, user):
            allowed.append(action)
    return allowed


def run_action(shipment, action, *, actor, data):
    """Run one action through its service (shared by the page and the bulk import)."""
    if action == "submit":
        return submit_shipment(shipment, actor=actor)
    if action == "approve":
        return approve_shipment(shipment, actor=actor)
    if action == "reject":
        return reject_shipment(shipment, actor=actor, reason=data.get("reason", ""))
    if action == "reopen":
        return reopen_shipment(shipment, actor=actor)
    if action == "start-picking":
        return start_picking(shipment, actor=actor)
    if action == "dispatch":
        return dispatch_shipment(shipment, actor=actor, carrier=data.get("carrier") or None,
                                          tracking_number=data.get("tracking_number", ""))
    if action == "deliver":
        return mark_delivered(shipment, actor=actor)
    if action == "receive":
        return mark_received(shipment, actor=actor)
    if action == "cancel":
        return cancel_shipment(shipment, actor=actor, reason=data.get("reason", ""))
    raise Http404


class ShipmentDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "shipments.view_shipment"
    template_name = "shipments/shipment_detail.html"

    def get_context_data(self, **kwargs):
        try:
            shipment = selectors.shipment_detail(self.kwargs["pk"])
        except Shipment.DoesNotExist:
            raise Http404 from None
        allowed = allowed_actions(shipment, self.request.user)
        buttons = [(a, ACTIONS[a][1], ACTIONS[a][2], ACTIONS[a][3]) for a in allowed
                   if a not in ("reject", "dispatch", "cancel")]
        return super().get_context_data(
            shipment=shipment, lines=list(shipment.lines.all()), allowed=allowed, buttons=buttons,
            reason_form=ReasonForm(), tracking_form=TrackingForm(),
            supplier_entries=list(entries_for(shipment)) if shipment.is_drop_ship else [], **kwargs)


class ShipmentActionView(PermissionRequiredMixin, View):
    """POST /shipments/<pk>/<action>/: runs the action's service; errors come back as messages."""

    permission_required = "shipments.view_shipment"
    http_method_names = ["post"]

    def post(self, request, pk, action):
        shipment = get_object_or_404(Shipment, pk=pk)
        if action not in ACTIONS:
            raise Http404
        try:
            run_action(shipment, action, actor=request.user, data=request.POST)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        except ConcurrentTransition:
            messages.error(request, _("Someone else changed this shipment at the same time; check it and try "
                                      "again."))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Shipment %(no)s: %(action)s done.")
                             % {"no": shipment.number, "action": ACTIONS[action][1]})
        return redirect("shipments:shipment_detail", pk=pk)
