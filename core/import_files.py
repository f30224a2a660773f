"""Reading an uploaded CSV/XLSX file safely, before any row is looked at: the size caps, the zip
structure of an XLSX (the sum of the uncompressed sizes, the compression ratio and the used range of
its sheets, all checked *before* it is parsed), the text encoding of a CSV (UTF-8, UTF-8 with BOM,
GBK/GB18030) and the row cap. Each refusal is an `ImportRefused` with one clear sentence.

`core.importing` (header mapping, cleaning, preview batches, confirm) reads files through here."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile

from django.utils.formats import number_format
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
# An XLSX is a zip of XML; real workbooks expand ~5-15x. Both limits are checked before parsing.
DEFAULT_MAX_UNCOMPRESSED_BYTES = 250 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200

READ_CHUNK = 1024 * 1024


class ImportRefused(Exception):
    """The file as a whole cannot be imported; `message` says why in one sentence."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def human_size(n):
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def decode_csv_bytes(data):
    """Text of a CSV: UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRefused(
            _("The file could not be read as text: save it as CSV in UTF-8 (or GBK) and upload it again.")
        ) from None


def read_csv_rows(data, *, max_rows):
    """[header, row, …] from CSV bytes; the delimiter (comma, semicolon, tab) is sniffed."""
    text = decode_csv_bytes(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            if not any(cell.strip() for cell in row):
                continue
            rows.append(row)
            if len(rows) > max_rows + 1:
                raise too_many_rows(max_rows)
    except csv.Error as exc:
        raise ImportRefused(
            _("The CSV file is malformed near line %(line)s (%(error)s).")
            % {"line": len(rows) + 1, "error": exc}
        ) from None
    return rows


def too_many_rows(max_rows):
    return ImportRefused(
        _("The file has more than %(max)s rows; split it into smaller files and import them one by one.")
        % {"max": number_format(max_rows, force_grouping=True)}
    )


# The `r` attribute of a cell ("B7") or a row ("7"); no other sheet element has one.
_REF = re.compile(rb'\sr="([A-Z]{0,3})([0-9]{1,7})"')
MAX_XLSX_COLUMNS = 200
MAX_XLSX_CELLS = 8_000_000  # the reader allocates rows x columns of the used range (~32 bytes a cell)


def _column_number(letters):
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def check_xlsx_archive(path, *, max_uncompressed, max_rows=DEFAULT_MAX_ROWS):
    """Refuse a file that is not a zip, not a workbook, expands too much, or whose used range is
    huge — before parsing it.

    First the sizes the zip declares (cheap); then the members are streamed through the decompressor
    counting real bytes, stopping at the limit, so a zip whose headers lie is caught too. While the
    worksheets stream by, their cell references give the used range: the XLSX reader allocates the
    whole rectangle, so one cell in XFD1048576 of a 10 KB file would otherwise exhaust the memory."""
    if not zipfile.is_zipfile(path):
        raise ImportRefused(
            _("The file is not a valid Excel workbook (.xlsx); open it in Excel and save it as .xlsx or CSV.")
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise ImportRefused(_("The file is a zip archive but not an Excel workbook (.xlsx)."))
            declared = sum(info.file_size for info in infos)
            compressed = sum(info.compress_size for info in infos) or 1
            too_dense = declared / compressed > MAX_COMPRESSION_RATIO and declared > 10 * 1024 * 1024
            if declared > max_uncompressed or too_dense:
                raise _expands_too_much(max_uncompressed)
            total = 0
            max_row = max_col = 0
            for info in infos:
                is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
                tail = b""
                with archive.open(info) as member:
                    while chunk := member.read(READ_CHUNK):
                        total += len(chunk)
                        if total > max_uncompressed:
                            raise _expands_too_much(max_uncompressed)
                        if is_sheet:
                            text = tail + chunk
                            refs = _REF.findall(text)
                            if refs:
                                max_row = max(max_row, max(int(digits) for _letters, digits in refs))
                                columns = {letters for letters, _digits in refs if letters}
                                max_col = max(max_col, *(_column_number(c) for c in columns), 0)
                            tail = text[-200:]
            if max_row > max_rows + 1:
                raise ImportRefused(
                    _("The sheet reaches row %(row)s; files up to %(max)s rows can be imported. "
                      "Delete the unused rows or split the file.")
                    % {"row": number_format(max_row, force_grouping=True),
                       "max": number_format(max_rows, force_grouping=True)}
                )
            if max_col > MAX_XLSX_COLUMNS or max_row * max(max_col, 1) > MAX_XLSX_CELLS:
                raise ImportRefused(
                    _("The sheet uses %(cols)s columns; delete the unused columns (or save it as CSV) "
                      "and upload it again.") % {"cols": number_format(max_col, force_grouping=True)}
                )
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, ValueError):
        raise ImportRefused(
            _("The Excel file is damaged and cannot be read; open it in Excel and save it again.")
        ) from None


def _expands_too_much(limit):
    return ImportRefused(
        _("The Excel file expands to more than %(size)s when unpacked; it is refused as unsafe. "
          "Remove unused sheets or save it as CSV.") % {"size": human_size(limit)}
    )


def _cell_value(value):
    """Calamine gives floats for every number; whole numbers come back as ints, dates as ISO text."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def read_xlsx_rows(path, *, max_rows):
    """[header, row, …] of the first sheet, through python-calamine (see benchmarks/import_xlsx.py)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise ImportRefused(_("The Excel workbook has no sheet."))
        sheet = workbook.get_sheet_by_index(0)
        rows = []
        for raw in sheet.iter_rows():
            if not any(v != "" for v in raw):  # calamine gives "" for an empty cell
                continue
            row = [v if type(v) is str else _cell_value(v) for v in raw]
            rows.append(row)
            if len(rows) > max_rows + 1:
                raise too_many_rows(max_rows)
        return rows
    except ImportRefused:
        raise
    except Exception as exc:  # calamine raises its own error types (CalamineError, ZipError, XmlError …)
        raise ImportRefused(
            _("The Excel file could not be read (%(error)s); open it in Excel and save it again as .xlsx.")
            % {"error": str(exc)[:200]}
        ) from None
