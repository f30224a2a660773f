"""A table page's rows as HTML, with everything that does not depend on the row worked out once per table.

django-tables2 renders each cell through `BoundRow`: per cell it inspects the render function's signature
(`call_with_appropriate`), recomputes the column's <td> attributes and, for a linked column, inspects and
reverses again. On a 50-row page that is most of the page's time. Here each column is prepared once —
its accessor, its model field's choice labels (in the request's language: `get_FOO_display` rebuilds and
hashes the whole choice list, translating every label, per cell), the arguments its render function
takes, its static <td> attributes, a tick box's markup around its value — and each cell is then one
accessor lookup and one call; rows are joined as plain strings of already-escaped parts. The output is
the same markup the library's template writes; exports still go through the library
(core.tables.ConsignTable.export_rows)."""

import re
from functools import partialmethod
from inspect import getattr_static

import django_tables2 as tables
from django.template import Context, Template
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.template.loader import get_template
from django.templatetags.l10n import localize, unlocalize
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django_tables2.utils import A, AttributeDict, signature

_CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")
# What django-tables2's DateColumn/DateTimeColumn render per cell (a template compiled per cell).
_DATE_TEMPLATE = re.compile(r'\{\{ value\|date:"([^"]*)"\|default:default \}\}')
_MARK = "\x00consign-cell-value\x00"


def _has_callables(attrs):
    return any(callable(value) or isinstance(value, dict) for value in attrs.values())


class _PreparedColumn:
    def __init__(self, table, bound_column, model):
        self.bound_column = bound_column
        self.column = bound_column.column
        self.accessor = A(bound_column.accessor)
        field = self.accessor.get_field(model) if model is not None else None
        self.choices = bool(getattr(field, "choices", None))
        self.labels = self._choice_labels(field) if self.choices else None
        self.empty_values = self.column.empty_values
        self.default = bound_column.default
        self.localize = self.column.localize
        args, catch_all = signature(bound_column.render)
        self.render_args = _CELL_ARGUMENTS if catch_all else tuple(args)
        self.render = bound_column.render
        self.template = self.date_format = None
        if isinstance(self.column, tables.TemplateColumn) and bound_column.render == self.column.render:
            # A template column renders a template per cell, compiling it per cell when given as code:
            # compile or load it once; a date column is only Django's `date` filter.
            code = self.column.template_code
            match = _DATE_TEMPLATE.fullmatch(code or "")
            if match:
                self.date_format = match.group(1)
            else:
                self.template = Template(code) if code else get_template(self.column.template_name)
        self.link = bound_column.link
        raw = {**table.attrs, **self.column.attrs}
        td_source = raw.get("td", raw.get("cell", {}))
        self.td_static = None if _has_callables(td_source) else bound_column.attrs["td"].as_html()
        self.tick_box = self._tick_box_parts()

    @staticmethod
    def _choice_labels(field):
        """{value: label} of the field's choices, as the model's default get_FOO_display shows them; None
        when the model defines its own get_FOO_display (then that is called per cell)."""
        if not isinstance(getattr_static(field.model, f"get_{field.name}_display", None), partialmethod):
            return None
        return {make_hashable(value): force_str(label, strings_only=True)
                for value, label in make_hashable(field.flatchoices)}

    def _tick_box_parts(self):
        """(before, after) the escaped value of a CheckBoxColumn whose <input> attributes are static (no
        `checked`, no computed attributes, the library's render): its markup written once, for a marker."""
        column = self.column
        if not (isinstance(column, tables.CheckBoxColumn) and self.render == column.render
                and column.checked is None and self.link is None):
            return None
        extra = column.attrs.get("td__input") or column.attrs.get("input") or {}
        if _has_callables(extra):
            return None
        html = column.render(value=_MARK, bound_column=self.bound_column, record=None)
        before, marker, after = html.partition(_MARK)
        return (before, after) if marker and _MARK not in after else None

    def value(self, record):
        if self.choices:
            penultimate, remainder = self.accessor.penultimate(record)
            if self.labels is not None and penultimate is not None and hasattr(penultimate, f"get_{remainder}_display"):
                raw = getattr(penultimate, remainder)
                return self.labels.get(make_hashable(raw), raw)
            display = getattr(penultimate, f"get_{remainder}_display", None)
            if display is not None:
                return display()
        return self.accessor.resolve(record, quiet=True)

    def cell(self, table, record, row):
        value = self.value(record)
        if value in self.empty_values:
            return self.default
        if self.tick_box is not None:
            return SafeString(f"{self.tick_box[0]}{conditional_escape(value)}{self.tick_box[1]}")
        available = {"value": value, "record": record, "column": self.column, "bound_column": self.bound_column,
                     "bound_row": row, "table": table}
        if self.date_format is not None:
            content = date_filter(template_localtime(value), self.date_format) or self.default
        elif self.template is not None:
            content = self.render_template(table, available)
        else:
            content = self.render(**{name: available[name] for name in self.render_args})
        if self.link:
            content = self.link(content, **available)
        return content

    def render_template(self, table, available):
        """TemplateColumn.render with the template compiled (or loaded) once for the table."""
        parent = getattr(table, "context", None) or Context()
        context = self.column.get_context_data(record=available["record"], table=table, value=available["value"],
                                               bound_column=self.bound_column, bound_row=available["bound_row"])
        request = getattr(table, "request", None)
        with parent.update(context):
            if self.column.template_code:
                parent["request"] = request
                return self.template.render(parent)
            return self.template.render(parent.flatten(), request=request)

    def td_attrs(self, record, content):
        if self.td_static is not None:
            return self.td_static
        # A column with computed <td> attributes: the library's own computation for this cell.
        self.bound_column.current_record, self.bound_column.current_value = record, content
        return self.bound_column.attrs["td"].as_html()


def _row_attr_functions(row_attrs):
    prepared = []
    for key, value in row_attrs.items():
        if callable(value):
            args, catch_all = signature(value)
            prepared.append((key, value, ("table", "record") if catch_all else tuple(args)))
        else:
            prepared.append((key, value, None))
    return prepared


def rows_html(table):
    """[SafeString of one <tr>…</tr>] for the rows of the table's current page (all rows when unpaginated)."""
    model = getattr(getattr(table, "Meta", None), "model", None) or getattr(
        getattr(table.data, "data", None), "model", None)
    columns = [_PreparedColumn(table, bound_column, model) for bound_column in table.columns]
    row_attrs = _row_attr_functions(table.row_attrs or {})
    context = Context(autoescape=True)
    rows = table.paginated_rows
    html = []
    for index, row in enumerate(rows):
        record = row.record
        attrs = {}
        for key, value, args in row_attrs:
            if args is None:
                attrs[key] = value
            else:
                available = {"table": table, "record": record}
                attrs[key] = value(**{name: available[name] for name in args if name in available})
        attrs["class"] = f"{attrs['class']} {'odd' if index % 2 else 'even'}" if attrs.get("class") else (
            "odd" if index % 2 else "even")
        cells = []
        for column in columns:
            content = column.cell(table, record, row)
            td = column.td_attrs(record, content)
            if column.localize is not None:
                content = localize(content) if column.localize else unlocalize(content)
            # both parts are escaped already: the attributes by AttributeDict, the content here
            cells.append(f"<td {td}>{render_value_in_context(content, context)}</td>")
        html.append(f"<tr {AttributeDict(attrs).as_html()}>{''.join(cells)}</tr>")
    return [mark_safe(row) for row in html]
