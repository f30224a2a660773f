"""The project's base table (django-oscar's dashboard/tables.py idea): one look, explicit ordering,
page sizes, and export rows built from the same columns the page shows.

    class ProductTable(ConsignTable):
        sku = EditLinkColumn()
        list_price = MoneyColumn()

        class Meta(ConsignTable.Meta):
            model = Product
            fields = ("sku", "name", "list_price")
            order_by = ("sku",)

For exports a column gives its typed value (numbers, dates, booleans stay numbers, dates, booleans);
define `value_<column>(self, value, record)` on the table to export something else than the cell,
and `exclude_from_export=True` on a column that has no place in a spreadsheet (buttons)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeData
from django.utils.translation import gettext_lazy as _
from django_tables2.rows import BoundRow

from .exporting import text_of
from .table_rows import rows_html

EXPORT_CHUNK_SIZE = 2000


def plain(value):
    """`value` without markup: HTML made for the page (a SafeString, a rendered template) becomes the text it
    shows; other values are returned as they are (text typed by a person is data, not markup)."""
    if isinstance(value, SafeData) or (isinstance(value, str) and "<" in value and "href=" in value):
        return text_of(value)
    return value


class EditLinkColumn(tables.Column):
    """The row's main column: a link to `record.get_absolute_url()` (its edit page) for users allowed to
    change it (the view sets `table.can_edit`), plain text for the others."""

    def render(self, value, record, table):
        if getattr(table, "can_edit", False) and hasattr(record, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)
        return value

    def value(self, value):
        return value


class RowUrls:
    """Row URLs of one view built from its pattern, reversed once (not `reverse()` or `get_absolute_url()`
    per row): `RowUrls("shipments:shipment_detail")(pk)` → "/shipments/<pk>/"."""

    _MARK = 987654321987

    def __init__(self, viewname):
        self.viewname = viewname
        self._parts = None

    def __call__(self, pk):
        if self._parts is None:
            self._parts = reverse(self.viewname, args=[self._MARK]).split(str(self._MARK))
        return f"{self._parts[0]}{int(pk)}{self._parts[1]}"


def row_urls(table, viewname):
    """The RowUrls of `viewname` kept on the table: reversed once per table, that is per page."""
    cache = table.__dict__.setdefault("_consign_row_urls", {})
    if viewname not in cache:
        cache[viewname] = RowUrls(viewname)
    return cache[viewname]


class RowLinkColumn(tables.Column):
    """The cell linked to the record's page (`viewname` taking the record's pk, or the attribute `pk_from`
    names, such as "order_id"), its URL built from the pattern reversed once per table instead of per row."""

    def __init__(self, viewname, *args, pk_from="pk", **kwargs):
        self.viewname, self.pk_from = viewname, pk_from
        super().__init__(*args, **kwargs)

    def render(self, value, record, table):
        return format_html('<a href="{}">{}</a>', row_urls(table, self.viewname)(getattr(record, self.pk_from)), value)

    def value(self, value):
        return value


class MoneyColumn(tables.Column):
    """A Decimal amount, right-aligned, always two places."""

    def __init__(self, *args, **kwargs):
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("th", {"class": "text-end"})
        attrs.setdefault("td", {"class": "text-end text-nowrap"})
        super().__init__(*args, attrs=attrs, **kwargs)

    def render(self, value):
        return f"{value:,.2f}"

    def value(self, value):
        return value


class NumberColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("th", {"class": "text-end"})
        attrs.setdefault("td", {"class": "text-end"})
        super().__init__(*args, attrs=attrs, **kwargs)


# Columns whose own `value()` turns a typed value into text; exports read the raw value instead.
_STRINGIFYING_COLUMNS = (tables.BooleanColumn, tables.DateColumn, tables.DateTimeColumn)


class ConsignTable(tables.Table):
    per_page_options = (25, 50, 100, 200)
    default_per_page = 25

    class Meta:
        template_name = "core/table.html"
        attrs = {"class": "table table-sm table-hover align-middle mb-2"}
        empty_text = _("Nothing matches these filters.")
        # Each subclass states its default `order_by`; ConsignListView adds the primary key as the last
        # sort key so paging through equal values never repeats or skips a row.

    # ---- page ------------------------------------------------------------------------------------
    def rows_html(self):
        """The page's rows as HTML (core/table.html), each column prepared once (core.table_rows)."""
        return rows_html(self)

    # ---- export ------------------------------------------------------------------------------------
    def export_columns(self):
        return [
            column for column in self.columns.iterall()
            if not column.column.exclude_from_export
        ]

    def export_headers(self):
        return [str(column.header) for column in self.export_columns()]

    def export_value(self, row, bound_column):
        """The cell as a spreadsheet wants it: the typed value, or the text a person reads — never markup: a
        `render_<column>` (a link, a badge) that serves as the export value, a template column or any safe
        string is reduced to the text it shows (define `value_<column>` to export something else)."""
        name = bound_column.name
        if not hasattr(self, f"value_{name}") and isinstance(bound_column.column, _STRINGIFYING_COLUMNS):
            return bound_column.accessor.resolve(row.record, quiet=True)
        return plain(row.get_cell_value(name))

    def export_rows(self, records):
        """One list of values per record, in the order of `export_headers()`; records are read lazily."""
        columns = self.export_columns()
        for record in records:
            row = BoundRow(record, table=self)
            yield [self.export_value(row, column) for column in columns]
