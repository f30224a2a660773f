import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ConsignTable, MoneyColumn, NumberColumn, RowLinkColumn

from .models import Ticket


class SelectColumn(tables.CheckBoxColumn):
    """A tick box per row belonging to the bulk-assign form (form="ticket-assign"), not in exports."""

    def __init__(self, **kwargs):
        super().__init__(accessor="pk", exclude_from_export=True, orderable=False,
                         attrs={"input": {"form": "ticket-assign", "name": "ticket", "class": "form-check-input"},
                                "th__input": {"class": "form-check-input", "data-select-all": "ticket"}},
                         **kwargs)


class TicketTable(ConsignTable):
    select = SelectColumn()
    number = RowLinkColumn("aftersales:ticket_detail", verbose_name=_("Number"))
    type = tables.Column(verbose_name=_("Type"))
    state = tables.Column(verbose_name=_("State"))
    order = tables.Column(verbose_name=_("Order"), accessor="order__external_order_no",
                          order_by=("order__external_order_no",))
    store = tables.Column(verbose_name=_("Store"), accessor="store__name", order_by=("store__name",))
    supplier = tables.Column(verbose_name=_("Supplier"), accessor="supplier__name", order_by=("supplier__name",),
                             default="")
    handler = tables.Column(verbose_name=_("Handler"), accessor="handler__username", order_by=("handler__username",))
    age = NumberColumn(verbose_name=_("Age (days)"), accessor="created_at", order_by=("-created_at",))
    total_amount = MoneyColumn(verbose_name=_("Compensation"))
    created_at = tables.DateTimeColumn(verbose_name=_("Registered at"), format="Y-m-d H:i", visible=False)
    description = tables.Column(verbose_name=_("Description"), visible=False)

    class Meta(ConsignTable.Meta):
        model = Ticket
        fields = ("select", "number", "type", "state", "order", "store", "supplier", "handler", "age",
                  "total_amount", "created_at", "description")
        order_by = ("-created_at",)
        attrs = {**ConsignTable.Meta.attrs, "id": "ticket-table"}
        row_attrs = {"data-overdue": lambda record: "true" if getattr(record, "overdue", False) else "false"}

    def render_state(self, value, record):
        if getattr(record, "overdue", False):
            return format_html('{} <span class="badge text-bg-danger">{}</span>', value, _("Overdue"))
        return value

    def render_age(self, record):
        return record.age_days

    def value_age(self, record):
        return record.age_days

    def value_state(self, record):
        return record.get_state_display()

    def value_type(self, record):
        return record.get_type_display()
