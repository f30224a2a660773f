import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ConsignTable, MoneyColumn, RowLinkColumn, row_urls
from orders.tables import DeadlineColumn

from .models import Shipment


class ShipmentTable(ConsignTable):
    id = RowLinkColumn("shipments:shipment_detail", verbose_name=_("Shipment no."), accessor="number",
                       order_by=("id",))
    order = tables.Column(verbose_name=_("Order no."), accessor="order__external_order_no",
                          order_by=("order__external_order_no",))
    store = tables.Column(verbose_name=_("Store"), accessor="order__store__name", orderable=False)
    kind = tables.Column(verbose_name=_("Kind"))
    purpose = tables.Column(verbose_name=_("Purpose"), visible=False)
    state = tables.Column(verbose_name=_("State"))
    deadline = DeadlineColumn()
    supplier = tables.Column(verbose_name=_("Supplier"), accessor="supplier__name", orderable=False)
    warehouse = tables.Column(verbose_name=_("Warehouse"), accessor="warehouse__name", orderable=False)
    freight = MoneyColumn(verbose_name=_("Freight"), visible=False)
    carrier = tables.Column(verbose_name=_("Carrier"), accessor="carrier__name", visible=False, orderable=False)
    tracking_number = tables.Column(verbose_name=_("Tracking no."), visible=False)
    entered_by = tables.Column(verbose_name=_("Entered by"), accessor="entered_by__username", orderable=False)
    entry_date = tables.DateColumn(verbose_name=_("Entry date"), format="Y-m-d")

    class Meta(ConsignTable.Meta):
        model = Shipment
        fields = ("id", "order", "store", "kind", "purpose", "state", "deadline", "supplier", "warehouse", "freight",
                  "carrier", "tracking_number", "entered_by", "entry_date")
        order_by = ("-id",)
        attrs = {**ConsignTable.Meta.attrs, "id": "shipment-table"}


def tick_column(form_id, css_class):
    """The checkbox of a queue row, belonging to the bulk action's form (`form_id`) by its form="…"
    attribute; the header box ticks every box of `css_class` on the page (static/js/queue.js)."""
    return tables.CheckBoxColumn(accessor="pk", exclude_from_export=True, attrs={
        "input": {"form": form_id, "name": "shipment", "class": f"form-check-input {css_class}"},
        "th__input": {"class": "form-check-input", "data-check-all": css_class,
                      "aria-label": _("Tick all on this page")},
    })


class ShipmentQueueTable(ConsignTable):
    """Base of the queues whose rows are ticked for a bulk action (approval, warehouse): the shipment
    no., linked to its page. Subclasses add `pick = tick_column(…)` and their own columns."""

    number = tables.Column(verbose_name=_("Shipment"), accessor="pk")

    def render_number(self, record):
        """The shipment no. linked to its page; the URL pattern is reversed once per table, not per row."""
        return format_html('<a href="{}">{}</a>', row_urls(self, "shipments:shipment_detail")(record.pk),
                           record.number)

    def value_number(self, record):
        return record.number
