"""The one export helper: every CSV or XLSX the project hands out goes through here.

- CSV is UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; it is streamed row by row.
- XLSX is written by openpyxl in write-only mode into a spooled temporary file (memory up to a few MB,
  then disk), so many rows do not sit in memory as a workbook.
- Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
  is neutralised with a leading apostrophe (OWASP "CSV injection"). Numbers, Decimals, dates and
  booleans are not text: XLSX keeps them typed, so sums and date filters work.

    export_rows(["SKU", "Price"], [("A-1", Decimal("9.90"))], "xlsx", filename="products")

A list export of up to `settings.EXPORT_SYNC_MAX_ROWS` (default 10 000) rows is written in the request;
a larger one becomes a background job (core/export_jobs.py) whose task writes the same rows with
`write_csv` / `write_xlsx` into a file. Above `settings.EXPORT_MAX_ROWS` (default 1 000 000) ConsignListView
refuses the export and asks for narrower filters."""

import csv
import datetime
import decimal
import html
import re
import tempfile
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeData
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
XLSX_SPOOL_BYTES = 8 * 1024 * 1024


def max_rows():
    """The hard cap: an export of more rows is refused (narrow the filters)."""
    return int(getattr(settings, "EXPORT_MAX_ROWS", 1_000_000))


def sync_max_rows():
    """The most rows written inside the request; more go to a background job."""
    return int(getattr(settings, "EXPORT_SYNC_MAX_ROWS", 10_000))


def neutralise(text):
    """A text cell that a spreadsheet would evaluate gets a leading apostrophe."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _local_naive(value):
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def text_of(markup):
    """The text that a piece of HTML shows: tags stripped, entities read, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(str(markup))).split())


def cell_value(value):
    """Normalise one value for a spreadsheet: numbers, dates and booleans stay typed; anything else
    becomes neutralised text; None stays empty."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return _local_naive(value)
    if isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, SafeData):  # markup made for a page (a link, a badge): its text, never the tags
        value = text_of(value)
    return neutralise(force_str(value))


def _csv_text(value):
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


class _Echo:
    def write(self, value):
        return value


def iter_csv(columns: Sequence, rows: Iterable[Sequence]):
    """Yield the CSV text piece by piece (a BOM first, then one line per row)."""
    writer = csv.writer(_Echo())
    yield BOM
    yield writer.writerow([_csv_text(c) for c in columns])
    for row in rows:
        yield writer.writerow([_csv_text(v) for v in row])


def write_csv(columns, rows, fileobj):
    """Write CSV text (with BOM) to a text file opened with newline=""; for export tasks."""
    for piece in iter_csv(columns, rows):
        fileobj.write(piece)


def _xlsx_cell(sheet, value):
    value = cell_value(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("="):  # cannot happen after neutralise(), but never write a formula
            value = "'" + value
        return value
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def write_xlsx(columns, rows, fileobj, *, sheet_title=None):
    """Write an XLSX workbook (one sheet, bold header row, frozen under it) to a binary file."""
    workbook = Workbook(write_only=True)
    title = re.sub(r"[\\/?*\[\]:]", " ", sheet_title or "Export")[:31].strip() or "Export"
    sheet = workbook.create_sheet(title=title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_xlsx_cell(sheet, column))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    workbook.save(fileobj)


def filename_for(stem, fmt, at=None):
    """`<stem>-<YYYYmmdd-HHMM>.<fmt>`, the local time `at` (default now)."""
    stamp = timezone.localtime(at).strftime("%Y%m%d-%H%M")
    return f"{stem or 'export'}-{stamp}.{fmt}"


def export_rows(columns: Sequence, rows: Iterable[Sequence], fmt: str, *, filename: str = "export"):
    """An HTTP response with `rows` (an iterable; consumed once, lazily for CSV) as CSV or XLSX.

    `columns` are the header labels; each row is a sequence of values in the same order.
    `filename` is the stem: a timestamp and the extension are added. Raises ValueError for an
    unknown format."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {FORMATS}")
    name = filename_for(filename, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(iter_csv(columns, rows), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = _content_disposition(name)
        return response
    # FileResponse closes the spool when the response is closed.
    spool = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115
    write_xlsx(columns, rows, spool, sheet_title=filename)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"])


def _content_disposition(name):
    return content_disposition_header(as_attachment=True, filename=name)
