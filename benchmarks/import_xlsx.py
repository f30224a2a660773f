"""Parsing a 100,000-row, 10-column XLSX through core.importing: time and peak memory.

Generates the workbook in a temporary directory (openpyxl, write-only), then measures
1. `Importer.read_rows`: the file checks (zip structure, uncompressed sizes streamed, used range) and
   the python-calamine read — what every import pays before its own cleaning;
2. `Importer.parse`: the whole preview step — header mapping, `clean_row` (text, decimal and integer
   helpers on every row) and storing the batch as JSON — for a 10-column importer without database
   look-ups;
each beside the same run's baseline: the bare python-calamine read of the same file
(`CalamineWorkbook.from_path(...).get_sheet_by_index(0).to_python()`: no checks, no cleaning, no storing);
and, with `--openpyxl`, the same sheet read by openpyxl `read_only=True` (with defusedxml), the
alternative this choice was measured against (slow: ~45 s on these machines). No database and no
broker: nothing shared is touched; the load average is printed beside every figure.
Times are taken without tracemalloc; each step then runs once more under tracemalloc for its Python
peak. The process's peak RSS (includes calamine's Rust heap) is printed too.

Run alone: `.venv/bin/python benchmarks/import_xlsx.py [--rows 100000] [--openpyxl]`; last line JSON."""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import emit, figure, load  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from core.importing import Column, Importer, ImportResult  # noqa: E402

COLUMNS = ["sku", "name", "supplier", "unit_cost", "list_price", "threshold", "colour", "size", "barcode",
           "note"]


class BenchImporter(Importer):
    key = "bench.rows"
    columns = [Column(name) for name in COLUMNS]

    def clean_row(self, row):
        errors = {}
        cleaned = {}
        for name in ("sku", "name", "supplier", "colour", "size", "barcode", "note"):
            cleaned[name], error = self.text(row[name], max_length=200, required=name != "note")
            if error:
                errors[name] = error
        for name in ("unit_cost", "list_price"):
            cleaned[name], error = self.decimal(row[name], minimum=Decimal("0"))
            if error:
                errors[name] = error
        cleaned["threshold"], error = self.integer(row["threshold"], minimum=0)
        if error:
            errors["threshold"] = error
        return cleaned, errors

    def write(self, rows, actor):
        return ImportResult(created=len(rows))


class Actor:
    pk = 1


def make_workbook(path, rows):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(COLUMNS)
    for i in range(rows):
        ws.append([f"SKU-{i:06d}", f"产品 Product {i}", f"sup-{i % 40}", round(10 + (i % 997) / 100, 2),
                   f"{25 + i % 300}.90", i % 50, "红色 red", "XL", 6900000000000 + i, "" if i % 3 else "note"])
    wb.save(path)


def measure(label, func, *, memory=True):
    """(result, seconds, Python peak bytes): timed without tracemalloc (it slows allocation-heavy code
    ~10x), then run once more under tracemalloc for the peak."""
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    peak = 0
    if memory:
        del result
        tracemalloc.start()
        result = func()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"{label}: {seconds:.2f} s, Python peak {peak / 1e6:.1f} MB", file=sys.stderr)
    return result, seconds, peak


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--openpyxl", action="store_true", help="also time openpyxl read_only (slow)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        started = time.perf_counter()
        make_workbook(path, args.rows)
        print(f"generated {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        data = path.read_bytes()
        importer = BenchImporter()

        table, read_s, read_peak = measure("read_rows (checks + calamine)",
                                           lambda: importer.read_rows(SimpleUploadedFile("bench.xlsx", data)))
        assert len(table) == args.rows + 1
        del table
        with override_settings(MEDIA_ROOT=tmp):
            batch, parse_s, parse_peak = measure(
                "parse (checks + read + clean + store)",
                lambda: importer.parse(SimpleUploadedFile("bench.xlsx", data), actor=Actor()))
        assert (batch.valid, batch.error_count) == (args.rows, 0), (batch.valid, batch.errors[:3])
        def bare_read():
            from python_calamine import CalamineWorkbook

            return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

        rows, bare_s, _peak = measure("bare python-calamine read (baseline)", bare_read, memory=False)
        assert len(rows) == args.rows + 1
        del rows
        openpyxl_s = None
        if args.openpyxl:
            def read_openpyxl():
                wb = load_workbook(path, read_only=True, data_only=True)
                count = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
                wb.close()
                return count

            _count, openpyxl_s, _peak = measure("openpyxl read_only", read_openpyxl, memory=False)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    emit({
        "benchmark": "import_xlsx", "rows": args.rows, "columns": len(COLUMNS),
        "file_mb": round(len(data) / 1e6, 2),
        "read": figure("read_rows", read_s, bare_s, baseline="bare python-calamine read", count=args.rows),
        "parse": figure("parse", parse_s, bare_s, baseline="bare python-calamine read", count=args.rows),
        "read_seconds": round(read_s, 2), "read_rows_per_s": round(args.rows / read_s),
        "read_python_peak_mb": round(read_peak / 1e6, 1),
        "parse_seconds": round(parse_s, 2), "parse_rows_per_s": round(args.rows / parse_s),
        "parse_python_peak_mb": round(parse_peak / 1e6, 1),
        "bare_calamine_read_seconds": round(bare_s, 2),
        "process_peak_rss_mb": round(peak_rss_mb, 1),
        "openpyxl_read_only_seconds": round(openpyxl_s, 2) if openpyxl_s is not None else None,
        "loadavg": load(),
    })


if __name__ == "__main__":
    main()
