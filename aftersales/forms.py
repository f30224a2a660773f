"""Forms of the after-sales pages: the one registration/edit form (sections 1 and 2 of DESIGN.md; the
product lines come from the picked order as `line-<order line id>` quantity inputs), the action forms,
the notes form and the bulk-assign form."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.selectors import salespeople
from catalog.models import Carrier, Supplier, Warehouse
from core.forms import BootstrapFormMixin, MoneyField, searchable
from orders.models import Order, OrderLine

from .models import NoteChannel, ReturnDestination, TicketReason, TicketType
from .ticket_data import TicketData

LINE_PREFIX = "line-"
ORDER_CHOICES_LIMIT = 500


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class OrderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.external_order_no} · {obj.store.name} · {obj.recipient_name}"


class TicketForm(BootstrapFormMixin, forms.Form):
    # 1. ticket info
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    order = OrderChoiceField(label=_("Order"), queryset=Order.objects.select_related("store"))
    handler = UserChoiceField(label=_("Handler"), queryset=get_user_model().objects.none())
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none(), required=False,
                                      help_text=_("Prefilled from the order's products and shipments."))
    reason = forms.ChoiceField(label=_("Reason"), choices=TicketReason.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    return_carrier = forms.ModelChoiceField(label=_("Return carrier"), queryset=Carrier.objects.none(),
                                            required=False)
    return_tracking_no = forms.CharField(label=_("Return tracking no."), max_length=64, required=False)
    return_destination = forms.ChoiceField(label=_("Return destination"), required=False,
                                           choices=[("", "---------"), *ReturnDestination.choices],
                                           help_text=_("Goods back to the manufacturer do not touch our stock."))
    return_warehouse = forms.ModelChoiceField(label=_("Return warehouse"), queryset=Warehouse.objects.none(),
                                              required=False)
    charge_back = forms.BooleanField(label=_("Charge back to the supplier"), required=False)
    charge_back_amount = MoneyField(label=_("Charge-back amount"), required=False, min_value=0,
                                            max_digits=12, decimal_places=2,
                                            help_text=_("Empty: returned quantity × supplier unit price."))
    # 2. compensation
    compensate = forms.BooleanField(label=_("Compensate"), required=False)
    manufacturer_amount = MoneyField(label=_("Manufacturer compensation"), required=False, min_value=0,
                                             max_digits=12, decimal_places=2, initial=Decimal("0.00"))
    seller_amount = MoneyField(label=_("Seller compensation"), required=False, min_value=0,
                                       max_digits=12, decimal_places=2, initial=Decimal("0.00"))

    SECTION_INFO = ("type", "order", "handler", "supplier", "reason", "description", "return_carrier",
                    "return_tracking_no", "return_destination", "return_warehouse", "charge_back",
                    "charge_back_amount")
    SECTION_COMPENSATION = ("compensate", "manufacturer_amount", "seller_amount")

    def __init__(self, *args, current_order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = salespeople()
        self.fields["supplier"].queryset = Supplier.objects.filter(is_active=True).order_by("name")
        self.fields["return_carrier"].queryset = Carrier.objects.filter(is_active=True).order_by("name")
        self.fields["return_warehouse"].queryset = Warehouse.objects.filter(is_active=True).order_by("name")
        for name in ("order", "handler", "supplier"):
            searchable(self.fields[name].widget)
        # The picker lists recent orders (plus the current one); any order id still validates.
        recent = list(Order.objects.select_related("store").order_by("-ordered_at", "-id")[:ORDER_CHOICES_LIMIT])
        if current_order is not None and current_order not in recent:
            recent.insert(0, current_order)
        field = self.fields["order"]
        field.widget.choices = [("", "---------")] + [(o.pk, field.label_from_instance(o)) for o in recent]
        order_widget = field.widget
        order_widget.attrs.update({"hx-get": reverse("aftersales:order_part"), "hx-trigger": "change", "hx-target": "#ticket-order-part",
                                   "hx-include": "[name=order],[name=ticket]", "hx-swap": "innerHTML"})
        for name in ("manufacturer_amount", "seller_amount"):
            self.fields[name].widget.attrs.update({"data-compensation-part": "true", "step": "0.01",
                                                   "inputmode": "decimal"})

    def section(self, names):
        return [self[name] for name in names]

    def info_fields(self):
        return self.section(self.SECTION_INFO)

    def compensation_fields(self):
        return self.section(self.SECTION_COMPENSATION)

    def order_lines(self, data):
        """[(order_line, quantity)] from the `line-<id>` inputs of the picked order (0/empty = not included).
        Malformed quantities are reported on the form and left out."""
        order = self.cleaned_data.get("order")
        if order is None:
            return []
        lines = []
        by_id = {line.pk: line for line in OrderLine.objects.filter(order=order).select_related(
            "product", "product__default_supplier")}
        for key, value in data.items():
            if not key.startswith(LINE_PREFIX):
                continue
            try:
                line_id = int(key[len(LINE_PREFIX):])
            except ValueError:
                continue
            value = str(value).strip()
            if value in ("", "0"):
                continue
            line = by_id.get(line_id)
            if line is None:
                self.add_error(None, _("A product line does not belong to the picked order."))
                continue
            try:
                quantity = int(value)
            except ValueError:
                self.add_error(None, _("%(sku)s: the quantity must be a whole number.") % {"sku": line.product.sku})
                continue
            lines.append((line, quantity))
        return sorted(lines, key=lambda pair: pair[0].pk)

    def ticket_data(self, data):
        c = self.cleaned_data
        return TicketData(
            type=c["type"], order=c["order"], handler=c["handler"], reason=c["reason"],
            lines=self.order_lines(data), supplier=c.get("supplier"), description=c.get("description", ""),
            return_carrier=c.get("return_carrier"), return_tracking_no=c.get("return_tracking_no", ""),
            return_destination=c.get("return_destination", ""), return_warehouse=c.get("return_warehouse"),
            charge_back=c.get("charge_back", False), charge_back_amount=c.get("charge_back_amount"),
            compensate=c.get("compensate", False),
            manufacturer_amount=c.get("manufacturer_amount") or Decimal("0.00"),
            seller_amount=c.get("seller_amount") or Decimal("0.00"),
        )

    @classmethod
    def initial_for(cls, ticket):
        return {
            "type": ticket.type, "order": ticket.order_id, "handler": ticket.handler_id,
            "supplier": ticket.supplier_id, "reason": ticket.reason, "description": ticket.description,
            "return_carrier": ticket.return_carrier_id, "return_tracking_no": ticket.return_tracking_no,
            "return_destination": ticket.return_destination, "return_warehouse": ticket.return_warehouse_id,
            "charge_back": ticket.charge_back,
            "charge_back_amount": ticket.charge_back_amount if ticket.charge_back else None,
            "compensate": ticket.compensate, "manufacturer_amount": ticket.manufacturer_amount,
            "seller_amount": ticket.seller_amount,
        }


class ActionForm(BootstrapFormMixin, forms.Form):
    """Fields of a transition: a comment (the reason when rejecting) and, when resolving a refund type,
    the refund's amount, date and reference."""

    comment = forms.CharField(label=_("Comment"), required=False, max_length=300)
    refund_amount = MoneyField(label=_("Refund amount"), required=False, min_value=0, max_digits=12,
                                       decimal_places=2)
    refund_date = forms.DateField(label=_("Refund date"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    refund_reference = forms.CharField(label=_("Refund reference"), required=False, max_length=100)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class NoteForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    channel = forms.ChoiceField(label=_("Channel"), choices=NoteChannel.choices)
    files = MultipleFileField(label=_("Attachments"), required=False,
                              help_text=_("Images, PDF, office documents or text; at most 10 MB each."))
    visible_to_supplier = forms.BooleanField(label=_("Visible to the supplier (in its portal)"), required=False)


class AssignForm(BootstrapFormMixin, forms.Form):
    handler = UserChoiceField(label=_("Assign to"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = salespeople()


class OutboundShipmentForm(BootstrapFormMixin, forms.Form):
    """The exchange/reship shipment: a drop-ship by a supplier or a company dispatch from a warehouse."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("drop_ship", _("Drop-ship")),
                                                      ("company_dispatch", _("Company dispatch"))])
    supplier = forms.ModelChoiceField(label=_("Supplier (drop-ship)"), queryset=Supplier.objects.none(),
                                      required=False)
    warehouse = forms.ModelChoiceField(label=_("Warehouse (company dispatch)"), queryset=Warehouse.objects.none(),
                                       required=False)
    freight = MoneyField(label=_("Freight"), required=False, min_value=0, max_digits=12, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.filter(is_active=True).order_by("name")
        self.fields["warehouse"].queryset = Warehouse.objects.filter(is_active=True).order_by("name")
