"""CSV/XLSX imports: read a file once, check every row, show a preview, write all rows or none.

Every upload in Consign goes through here:

1. `Importer.parse(upload, actor=…)` checks the file (size, extension, zip structure and the sum of the
   uncompressed sizes of an XLSX *before* it is parsed, row cap), reads it (CSV in UTF-8, UTF-8 with BOM
   or GBK/GB18030; XLSX through python-calamine), maps the header row to the importer's canonical columns
   (directly, by a column alias, or by one of its per-platform header maps), cleans every row with
   `clean_row` and stores the outcome as an `ImportBatch` (a JSON file under MEDIA_ROOT/imports/).
   A refused file raises `ImportRefused` with one clear sentence and stores nothing. The file-level
   checks and the readers (caps, XLSX archive inspection, CSV encodings) are in `core.import_files`.
2. The preview page shows counts (valid / errors / will skip), the first rows with their errors, and
   every error sentence ("Row 14, column price: 'abc' is not a number.").
3. `Importer.confirm(batch, actor=…)` refuses a batch with errors; otherwise it hands the cleaned rows,
   as stored at preview time (the upload is never parsed again), to `write()` inside one transaction.

Why a file and not a database row: a batch may hold 200,000 cleaned rows (tens of MB of JSON) that live
for minutes; a file keeps them out of the database and its WAL, needs no migration, and is consumed
atomically on confirm (`os.replace`), so a double-click cannot import twice.

An importer for a new kind of record:

    class ProductImporter(Importer):
        key = "catalog.products"                  # names the batches it stores
        permission = "catalog.add_product"
        columns = [Column("sku", _("SKU"), aliases=["商品编码"]), Column("name", _("name")), …]
        header_maps = {"tmall": {"商家编码": "sku"}}   # per-platform exports → canonical columns
        unique_column = "sku"                     # a value twice in one file is an error

        def prepare(self, rows): …                # bulk look-ups before cleaning (one query, not one per row)
        def clean_row(self, row): return cleaned, errors   # errors: {column or None: message}; raise SkipRow
        def write(self, rows, actor): …           # runs inside transaction.atomic(); returns an ImportResult
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .import_files import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_UNCOMPRESSED_BYTES,
    READ_CHUNK,
    ImportRefused,
    check_xlsx_archive,
    human_size,
    read_csv_rows,
    read_xlsx_rows,
    too_many_rows,
)
from .parsing import INT32_MAX, parse_integer, parse_money, text_problem

PREVIEW_ROWS = 50
MAX_STORED_MESSAGES = 1000
BATCH_MAX_AGE_SECONDS = 24 * 3600


class SkipRow(Exception):  # noqa: N818 - it is a signal, not an error
    """Raised by `clean_row`: the row is fine but will not be imported (e.g. its key already exists)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = str(reason)


@dataclass(frozen=True)
class Column:
    name: str
    label: Any = ""
    required: bool = True
    aliases: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "aliases", tuple(self.aliases))

    @property
    def title(self):
        return str(self.label or self.name)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    messages: list = field(default_factory=list)

    def summary(self):
        parts = [_("%(n)s created") % {"n": number_format(self.created)}]
        if self.updated:
            parts.append(_("%(n)s updated") % {"n": number_format(self.updated)})
        if self.skipped:
            parts.append(_("%(n)s skipped") % {"n": number_format(self.skipped)})
        return ", ".join(parts)


def normalize_header(value):
    """'Unit  Cost ' / 'unit_cost' / 'Unit-Cost' → 'unit cost'."""
    text = "" if value is None else str(value)
    text = text.replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s_\-]+", " ", text)


# ---- batches: the parsed rows kept between preview and confirm ---------------------------------------

def _batch_dir():
    return Path(settings.MEDIA_ROOT) / "imports"


@dataclass
class ImportBatch:
    """One parsed upload. Stored as JSON; `rows` are the cleaned rows that `write()` will receive."""

    token: str
    importer: str
    user_id: int
    filename: str
    created_at: float
    total: int = 0
    valid: int = 0
    skipped: int = 0
    error_count: int = 0
    columns: list = field(default_factory=list)  # [[name, title], …] in preview order
    ignored_headers: list = field(default_factory=list)
    preview: list = field(default_factory=list)  # [{"line", "values", "errors", "skip"}, …]
    errors: list = field(default_factory=list)  # sentences, up to MAX_STORED_MESSAGES
    skips: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def has_errors(self):
        return self.error_count > 0

    @property
    def can_confirm(self):
        return not self.has_errors and self.valid > 0

    @property
    def more_errors(self):
        return max(0, self.error_count - len(self.errors))

    @property
    def more_skips(self):
        return max(0, self.skipped - len(self.skips))

    # storage
    @staticmethod
    def path_for(token):
        if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
            raise FileNotFoundError(token)
        return _batch_dir() / f"{token}.json"

    def save(self):
        directory = _batch_dir()
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f"{self.token}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self.__dict__, fh, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, self.path_for(self.token))

    @classmethod
    def load(cls, token, *, user, importer_key):
        """The batch `token` of this user and importer, or None (missing, expired, someone else's)."""
        try:
            with open(cls.path_for(token), encoding="utf-8") as fh:
                data = json.load(fh)
        except (FileNotFoundError, ValueError):
            return None
        batch = cls(**data)
        if batch.user_id != user.pk or batch.importer != importer_key:
            return None
        if time.time() - batch.created_at > BATCH_MAX_AGE_SECONDS:
            return None
        return batch

    def claim(self):
        """Take the batch for writing; exactly one caller wins (a second confirm finds nothing)."""
        claimed = _batch_dir() / f"{self.token}.{uuid.uuid4().hex}.claimed"
        try:
            os.replace(self.path_for(self.token), claimed)
        except FileNotFoundError:
            return None
        return claimed

    def discard(self):
        with contextlib.suppress(FileNotFoundError):
            self.path_for(self.token).unlink()


def purge_old_batches(max_age=BATCH_MAX_AGE_SECONDS):
    directory = _batch_dir()
    if not directory.exists():
        return
    limit = time.time() - max_age
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            continue


# ---- the importer ------------------------------------------------------------------------------------

class Importer:
    key = ""
    verbose_name = gettext_lazy("records")
    permission = ""
    columns: list[Column] = []
    header_maps: dict[str, dict[str, str]] = {}
    unique_column = None
    extensions = (".csv", ".xlsx")
    max_bytes = DEFAULT_MAX_BYTES
    max_rows = DEFAULT_MAX_ROWS
    max_uncompressed_bytes = DEFAULT_MAX_UNCOMPRESSED_BYTES
    preview_rows = PREVIEW_ROWS
    success_url_name = ""  # where the result message is shown after a confirmed import

    # ---- hooks -----------------------------------------------------------------------------------------
    def prepare(self, rows):
        """Called once with every mapped row before cleaning: load look-ups in bulk here."""

    def clean_row(self, row):
        """(cleaned, errors): cleaned is a JSON-able dict, errors {column name or None: message}.
        Raise SkipRow(reason) to leave a good row out (e.g. its key exists already)."""
        raise NotImplementedError

    def write(self, rows, actor):
        """Write the cleaned rows; runs inside one transaction. Returns an ImportResult.

        `rows` come back from the stored batch as JSON gives them: a Decimal cleaned by `clean_row` is
        a str here (Decimal(row["price"])), a date an ISO string."""
        raise NotImplementedError

    # ---- reading ---------------------------------------------------------------------------------------
    def read_rows(self, upload):
        """[header, row, …] of an uploaded file after the file-level checks."""
        name = getattr(upload, "name", "") or ""
        extension = Path(name).suffix.lower()
        if extension not in self.extensions:
            raise ImportRefused(
                _("“%(name)s” is not a file type that can be imported; upload one of: %(types)s.")
                % {"name": Path(name).name, "types": ", ".join(self.extensions)}
            )
        size = getattr(upload, "size", None)
        if size is None:
            upload.seek(0, os.SEEK_END)
            size = upload.tell()
        if size > self.max_bytes:
            raise ImportRefused(
                _("The file is %(size)s; files up to %(max)s can be imported. Split it into smaller files.")
                % {"size": human_size(size), "max": human_size(self.max_bytes)}
            )
        if size == 0:
            raise ImportRefused(_("The file is empty."))
        if extension == ".csv":
            upload.seek(0)
            return read_csv_rows(upload.read(), max_rows=self.max_rows)
        return self._read_xlsx(upload)

    def _read_xlsx(self, upload):
        path = getattr(upload, "temporary_file_path", None)
        if path:
            return self._read_xlsx_path(upload.temporary_file_path())
        import tempfile

        upload.seek(0)
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            for chunk in iter(lambda: upload.read(READ_CHUNK), b""):
                tmp.write(chunk)
            tmp.flush()
            return self._read_xlsx_path(tmp.name)

    def _read_xlsx_path(self, path):
        check_xlsx_archive(path, max_uncompressed=self.max_uncompressed_bytes, max_rows=self.max_rows)
        return read_xlsx_rows(path, max_rows=self.max_rows)

    def map_header(self, header):
        """{index: canonical column} for the header row, or ImportRefused naming the missing columns."""
        lookup = {}
        for column in self.columns:
            for name in (column.name, column.title, *column.aliases):
                lookup.setdefault(normalize_header(name), column.name)
        candidates = [lookup] + [
            {**lookup, **{normalize_header(k): v for k, v in hmap.items()}} for hmap in self.header_maps.values()
        ]
        best = None
        for candidate in candidates:
            mapping = {}
            for index, title in enumerate(header):
                name = candidate.get(normalize_header(title))
                if name and name not in mapping.values():
                    mapping[index] = name
            missing = [c for c in self.columns if c.required and c.name not in mapping.values()]
            if best is None or len(missing) < len(best[1]):
                best = (mapping, missing)
            if not missing:
                break
        mapping, missing = best
        if missing:
            raise ImportRefused(
                _("The first row must name the columns; missing: %(missing)s. Expected columns: %(expected)s.")
                % {"missing": ", ".join(c.title for c in missing),
                   "expected": ", ".join(c.title for c in self.columns)}
            )
        return mapping

    # ---- the whole parse ------------------------------------------------------------------------------
    def parse(self, upload, *, actor):
        """Check, read and clean an upload; store and return the ImportBatch (ImportRefused if unusable)."""
        table = self.read_rows(upload)
        if not table:
            raise ImportRefused(_("The file is empty."))
        header, body = table[0], table[1:]
        if not body:
            raise ImportRefused(_("The file has a header row but no data rows."))
        if len(body) > self.max_rows:
            raise too_many_rows(self.max_rows)
        mapping = self.map_header(header)
        titles = {c.name: c.title for c in self.columns}
        mapped = []
        for values in body:
            row = dict.fromkeys(titles, "")
            for index, name in mapping.items():
                value = values[index] if index < len(values) else ""
                row[name] = value.strip() if isinstance(value, str) else ("" if value is None else value)
            mapped.append(row)

        batch = ImportBatch(
            token=uuid.uuid4().hex, importer=self.key, user_id=actor.pk,
            filename=Path(getattr(upload, "name", "") or "").name, created_at=time.time(),
            total=len(mapped),
            columns=[[c.name, c.title] for c in self.columns],
            ignored_headers=[str(h) for i, h in enumerate(header) if i not in mapping and str(h or "").strip()],
        )
        self.prepare(mapped)
        seen = {}
        for offset, row in enumerate(mapped):
            line = offset + 2  # the spreadsheet's own row number: the header is row 1
            skip = None
            unreadable = {name: problem for name, value in row.items() if (problem := text_problem(value))}
            try:
                # a cell that cannot be stored (a NUL byte) is the row's error before any importer reads it
                cleaned, errors = (None, unreadable) if unreadable else self.clean_row(row)
            except SkipRow as signal:
                cleaned, errors, skip = None, {}, signal.reason
            errors = dict(errors or {})
            if self.unique_column and not errors:
                value = (cleaned or row).get(self.unique_column)
                if value not in ("", None):
                    normalized = str(value).strip().casefold()
                    if normalized in seen:
                        errors[self.unique_column] = _("'%(value)s' already appears on row %(line)s.") % {
                            "value": value, "line": seen[normalized]}
                        skip = None
                    else:
                        seen[normalized] = line
            sentences = [self.error_sentence(line, column, message, titles) for column, message in errors.items()]
            if sentences:
                batch.error_count += 1
                for sentence in sentences:
                    if len(batch.errors) < MAX_STORED_MESSAGES:
                        batch.errors.append(sentence)
            elif skip is not None:
                batch.skipped += 1
                if len(batch.skips) < MAX_STORED_MESSAGES:
                    batch.skips.append(_("Row %(line)s skipped: %(reason)s") % {"line": line, "reason": skip})
            else:
                batch.valid += 1
                batch.rows.append(cleaned)
            if offset < self.preview_rows:
                batch.preview.append({
                    "line": line,
                    "values": [_display(row.get(c.name)) for c in self.columns],
                    "errors": sentences,
                    "skip": skip or "",
                })
        purge_old_batches()
        batch.save()
        return batch

    @staticmethod
    def error_sentence(line, column, message, titles):
        if column:
            return _("Row %(line)s, column %(column)s: %(message)s") % {
                "line": line, "column": titles.get(column, column), "message": message}
        return _("Row %(line)s: %(message)s") % {"line": line, "message": message}

    # ---- confirm -----------------------------------------------------------------------------------
    def confirm(self, batch, *, actor):
        """Write a previewed batch, all rows or none. ImportRefused if it has errors or was used."""
        if batch.has_errors:
            raise ImportRefused(_("The file has errors; correct them and upload it again. Nothing was imported."))
        if not batch.rows:
            raise ImportRefused(_("There is nothing to import: every row is skipped."))
        claimed = batch.claim()
        if claimed is None:
            raise ImportRefused(_("This import was already confirmed or has expired; nothing was imported."))
        try:
            with transaction.atomic():
                result = self.write(batch.rows, actor)
        except BaseException:
            os.replace(claimed, ImportBatch.path_for(batch.token))  # give it back: nothing was written
            raise
        claimed.unlink(missing_ok=True)
        result.skipped += batch.skipped
        return result

    # ---- helpers for clean_row ---------------------------------------------------------------------
    @staticmethod
    def text(value, *, max_length=None, required=True):
        """(value, error) for a text cell: no NUL bytes, at most `max_length` characters."""
        text = "" if value is None else str(value).strip()
        if problem := text_problem(text):
            return None, problem
        if required and not text:
            return None, _("a value is required.")
        if max_length and len(text) > max_length:
            return None, _("'%(value)s…' is longer than %(max)s characters.") % {"value": text[:20], "max": max_length}
        return text, None

    @staticmethod
    def decimal(value, *, places=2, minimum=None, required=True, max_digits=12):
        """(Decimal, error) for a money cell, read by core.parsing.parse_money: thousands separators and ¥/$
        signs are accepted; more than `places` decimal places or more digits than the column holds
        (`max_digits`) are an error of the row, never rounded or a crash."""
        if value in ("", None):
            return (None, _("a value is required.")) if required else (None, None)
        try:
            return parse_money(value, places=places, max_digits=max_digits, minimum=minimum), None
        except ValidationError as exc:
            return None, exc.messages[0]

    @staticmethod
    def integer(value, *, minimum=None, required=True, default=None, maximum=INT32_MAX):
        """(int, error) for a whole-number cell inside the column's range (a PostgreSQL integer by default)."""
        if value in ("", None):
            if required:
                return None, _("a value is required.")
            return default, None
        try:
            return parse_integer(value, minimum=minimum, maximum=maximum), None
        except ValidationError as exc:
            return None, exc.messages[0]


def _display(value):
    if value is None:
        return ""
    return str(value)


_REGISTRY: dict[str, type[Importer]] = {}


def register(importer_class):
    """Class decorator: makes an importer known by its key (views look batches up by it)."""
    _REGISTRY[importer_class.key] = importer_class
    return importer_class


def get_importer(key):
    return _REGISTRY[key]()
