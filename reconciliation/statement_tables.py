import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ConsignTable, EditLinkColumn, MoneyColumn, NumberColumn

from .models import Statement


class StatementNumberColumn(EditLinkColumn):
    """Every reader opens the statement page (it is read-only for those who may not act)."""

    def render(self, value, record, table):
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.number)

    def value(self, value, record=None):
        return record.number if record is not None else value


class StatementTable(ConsignTable):
    id = StatementNumberColumn(verbose_name=_("Statement"))
    supplier = tables.Column(verbose_name=_("Supplier"))
    period_from = tables.DateColumn(verbose_name=_("Period from"), format="Y-m-d")
    period_to = tables.DateColumn(verbose_name=_("Period to"), format="Y-m-d")
    state = tables.Column(verbose_name=_("State"))
    entry_count = NumberColumn(verbose_name=_("Entries"))
    total = MoneyColumn(verbose_name=_("Total"))
    paid = MoneyColumn(verbose_name=_("Paid"))
    created_by = tables.Column(verbose_name=_("Built by"), orderable=False)
    approved_at = tables.DateTimeColumn(verbose_name=_("Approved"), format="Y-m-d")

    class Meta(ConsignTable.Meta):
        model = Statement
        fields = ("id", "supplier", "period_from", "period_to", "state", "entry_count", "total", "paid",
                  "created_by", "approved_at")
        order_by = ("-id",)
        attrs = {**ConsignTable.Meta.attrs, "id": "statement-table"}

    def value_id(self, value, record):
        return record.number

    def value_state(self, value, record):
        return record.get_state_display()
