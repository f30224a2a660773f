import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import ConsignTable, NumberColumn, RowLinkColumn

from .models import Order


class OrderTable(ConsignTable):
    external_order_no = RowLinkColumn("orders:order_detail", verbose_name=_("Order no."))
    store = tables.Column(verbose_name=_("Store"), order_by=("store__name",))
    ordered_at = tables.DateTimeColumn(verbose_name=_("Ordered at"), format="Y-m-d H:i")
    recipient_name = tables.Column(verbose_name=_("Recipient"))
    # Export only: the page stays narrow enough for a phone.
    recipient_phone = tables.Column(verbose_name=_("Recipient phone"), visible=False)
    recipient_address = tables.Column(verbose_name=_("Recipient address"), visible=False)
    line_count = NumberColumn(verbose_name=_("Lines"), orderable=False)
    fulfilment_status = tables.Column(verbose_name=_("Status"))
    aftersales_status = tables.Column(verbose_name=_("After-sales"), orderable=False)

    class Meta(ConsignTable.Meta):
        model = Order
        fields = ("external_order_no", "store", "ordered_at", "recipient_name", "recipient_phone",
                  "recipient_address", "line_count", "fulfilment_status", "aftersales_status")
        order_by = ("-ordered_at",)
        attrs = {**ConsignTable.Meta.attrs, "id": "order-table"}

    def value_store(self, record):
        return record.store.name
