import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Order


class OrderTable(tables.Table):
    external_order_no = tables.Column(verbose_name=_("Order no."), linkify=True)
    store = tables.Column(verbose_name=_("Store"), order_by=("store__name", "id"))
    ordered_at = tables.DateTimeColumn(verbose_name=_("Ordered at"), format="Y-m-d H:i")
    recipient_name = tables.Column(verbose_name=_("Recipient"))
    line_count = tables.Column(verbose_name=_("Lines"), orderable=False)
    fulfilment_status = tables.Column(verbose_name=_("Status"))
    aftersales_status = tables.Column(verbose_name=_("After-sales"), orderable=False)

    class Meta:
        model = Order
        fields = ["external_order_no", "store", "ordered_at", "recipient_name", "line_count",
                  "fulfilment_status", "aftersales_status"]
        order_by = ("-ordered_at",)
        attrs = {"class": "table table-sm table-hover align-middle", "id": "order-table"}

    def value_ordered_at(self, value):
        return value
