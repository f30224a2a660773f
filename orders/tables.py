import django_tables2 as tables
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import ConsignTable, NumberColumn, RowLinkColumn

from .deadlines import DeadlineLevel
from .models import Order

DEADLINE_BADGE_CLASSES = {DeadlineLevel.ON_TIME: "text-bg-success", DeadlineLevel.AT_RISK: "text-bg-warning",
                          DeadlineLevel.OVERDUE: "text-bg-danger"}


class DeadlineColumn(tables.Column):
    """The dispatch deadline of a row annotated by `orders.deadlines.with_deadline` (or the shipments'
    one): a badge (on time / at risk / overdue) with the dispatch-by time; empty once nothing waits.
    Sorted by dispatch-by; exported as the level's words."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", _("Dispatch deadline"))
        kwargs.setdefault("order_by", ("dispatch_by",))
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, accessor="deadline", **kwargs)

    def render(self, value, record):
        dispatch_by = formats.date_format(timezone.localtime(record.dispatch_by), "m-d H:i")
        return format_html('<span class="badge {}" data-deadline="{}">{}</span> <small class="text-muted">{}</small>',
                           DEADLINE_BADGE_CLASSES.get(value, "text-bg-secondary"), value,
                           DeadlineLevel(value).label, dispatch_by)

    def value(self, value, record):
        return DeadlineLevel(value).label if value else ""


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
    deadline = DeadlineColumn()
    aftersales_status = tables.Column(verbose_name=_("After-sales"), orderable=False)

    class Meta(ConsignTable.Meta):
        model = Order
        fields = ("external_order_no", "store", "ordered_at", "recipient_name", "recipient_phone",
                  "recipient_address", "line_count", "fulfilment_status", "deadline", "aftersales_status")
        order_by = ("-ordered_at",)
        attrs = {**ConsignTable.Meta.attrs, "id": "order-table"}

    def value_store(self, record):
        return record.store.name
