"""A list page's rows (core.table_rows, each column prepared once per page) are the markup django-tables2
would write cell by cell: links, choice labels, dates in the local time zone, template columns, computed
row attributes, empty cells, escaping."""

import re

import django_tables2 as tables
import pytest
from django.template import Context
from django.template.base import render_value_in_context
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import format_html

from core.tables import ConsignTable, MoneyColumn, NumberColumn, RowLinkColumn
from orders.models import Order
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


class EveryKindTable(ConsignTable):
    external_order_no = RowLinkColumn("orders:order_detail", verbose_name="no.")
    store = tables.Column()
    ordered_at = tables.DateTimeColumn(format="Y-m-d H:i")
    ordered_on = tables.DateColumn(accessor="ordered_at", format="Y-m-d")
    recipient_name = tables.Column()
    fulfilment_status = tables.Column()
    pk_and_name = tables.TemplateColumn("{{ record.pk }}:{{ value }}", accessor="recipient_name")
    line_count = NumberColumn(empty_values=())
    missing = tables.Column(accessor="store__no_such_attribute", default="—")
    total = MoneyColumn(accessor="pk")
    rendered = tables.Column(accessor="recipient_phone")
    tick = tables.CheckBoxColumn(accessor="pk", attrs={"input": {"form": "bulk", "name": "order", "class": "x"}})
    ticked = tables.CheckBoxColumn(accessor="pk", checked=lambda value, record: value % 2 == 0)

    class Meta(ConsignTable.Meta):
        model = Order
        fields = ("external_order_no", "store", "ordered_at", "ordered_on", "recipient_name", "fulfilment_status",
                  "pk_and_name", "line_count", "missing", "total", "rendered", "tick", "ticked")
        order_by = ("pk",)
        row_attrs = {"data-order": lambda record: record.external_order_no, "data-static": "yes"}

    def render_rendered(self, value, record):
        return format_html("<b>{}</b> {}", value, record.pk)


def library_rows(table):
    """What django-tables2's own template writes for the rows (BoundRow.items, per cell)."""
    context = Context(autoescape=True)
    rows = []
    for row in table.paginated_rows:
        cells = "".join(f"<td {column.attrs['td'].as_html()}>{render_value_in_context(cell, context)}</td>"
                        for column, cell in row.items())
        rows.append(f"<tr {row.attrs.as_html()}>{cells}</tr>")
    return rows


def normalised(html):
    return re.sub(r"\s+", " ", str(html)).strip()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rows_are_the_markup_django_tables2_writes(settings, language):
    settings.TIME_ZONE = "Asia/Shanghai"
    for name in ("<script>alert(1)</script>", "张三 & 李四"):
        OrderLineFactory(order=OrderFactory(recipient_name=name, recipient_phone="13800138000"))
    with translation.override(language):
        table = EveryKindTable(Order.objects.select_related("store").order_by("pk"))
        table.request = RequestFactory().get("/orders/")
        table.paginate(per_page=25)

        ours = [normalised(row) for row in table.rows_html()]

        assert ours == [normalised(row) for row in library_rows(table)]
        label = str(Order._meta.get_field("fulfilment_status").choices[0][1])
    assert len(ours) == 2
    assert "&lt;script&gt;" in ours[0] and "<script>" not in ours[0]
    assert 'data-order="' in ours[0] and 'class="even"' in ours[0] and 'class="odd"' in ours[1]
    assert f">{label}</td>" in ours[0]  # the choice's label in the active language
    assert 'name="order" value="' in ours[0] and 'form="bulk"' in ours[0] and 'checked="checked"' in "".join(ours)


def test_an_empty_page_shows_the_empty_text(client, make_user):
    client.force_login(make_user("manager"))
    html = client.get("/orders/").content.decode()
    assert "Nothing matches these filters." in html
