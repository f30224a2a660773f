"""Importing a 100,000-row, 10-column XLSX of orders through orders' importer on PostgreSQL: parse
(the preview: file checks, read, header map, clean every row, store the batch) and write (confirm:
create_orders_in_bulk, all or nothing): seconds and peak memory (target < 30 s, < 500 MB).

Creates its own database (benchmarks/_support.py: BENCH_DB_NAME or a per-run name, dropped afterwards
unless --keep, and only because this run created it), migrates it, adds a store with its salesperson, 500
products and an importing sales user (ANALYZE after seeding; the user fetched again before each step, an
empty permission cache as in a request), then writes
a Tmall export (one row per order line, 2 lines per order → 50,000 orders; the 8 mapped columns plus
2 a real export carries that the import ignores) in a forked child, so the generator's memory is not
counted. The parent, which then only imports, reports its peak RSS (Django and the database driver
included) and, from a second run of the parse under tracemalloc, Python's own peak for the parse.
Baselines measured in the same run: the parse beside a bare python-calamine read of the same file; the
write beside bare Django (the same orders and lines as Order/OrderLine bulk_create, same batch sizes, one
transaction, into a second store). The load average is printed beside every figure.

Run alone: `.venv/bin/python benchmarks/order_import.py [--rows 100000] [--keep]`. PG_URL names the
server. Last line: JSON."""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import BenchDatabase, analyze, cold, emit, figure, load  # noqa: E402

LINES_PER_ORDER = 2
PRODUCTS = 500
HEADERS = ["订单编号", "订单创建时间", "收货人姓名", "联系手机", "收货地址", "商家编码", "购买数量", "价格",
           "买家留言", "订单状态"]  # the last two are not mapped: ignored by the import


def timed_call(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def make_workbook(path, rows):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for i in range(rows):
        order = i // LINES_PER_ORDER
        ws.append([f"TM{order:010d}", f"2026-11-{1 + order % 28:02d} {order % 24:02d}:{order % 60:02d}:00",
                   f"张三 {order % 997}", f"138{order % 100_000_000:08d}",
                   f"上海市浦东新区世纪大道 {order % 2000} 号 {order % 30} 楼", f"SKU-{(order * 7 + i) % PRODUCTS:04d}",
                   1 + i % 3, f"{19 + i % 80}.90", "请尽快发货" if i % 5 == 0 else "", "买家已付款"])
    wb.save(path)


def generate_in_child(path, rows):
    """Write the workbook in a forked child (its memory never counts against the import)."""
    pid = os.fork()
    if pid == 0:
        try:
            make_workbook(path, rows)
            os._exit(0)
        except BaseException:  # noqa: BLE001 - report and leave the child whatever happened
            import traceback

            traceback.print_exc()
            os._exit(1)
    _pid, status = os.waitpid(pid, 0)
    if status != 0:
        raise SystemExit("generating the workbook failed")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tmall-orders.xlsx"
        started = time.perf_counter()
        generate_in_child(path, args.rows)  # before Django is imported: the parent stays small
        generate_seconds = time.perf_counter() - started
        with BenchDatabase("import", keep=args.keep) as db:
            import django

            django.setup()
            result = run(args, path, tmp)
            result["database_name"] = db.name
    result["generate_seconds_untimed"] = round(generate_seconds, 1)
    emit(result)


def run(args, path, tmp):
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test.utils import override_settings

    from accounts.models import User
    from catalog.models import Platform, Product, Store, Supplier
    from orders.importing import OrderImporter
    from orders.models import Order, OrderLine

    call_command("migrate", verbosity=0)
    sales = User.objects.create(username="bench-sales", email="s@bench.example")
    sales.groups.add(Group.objects.get(name="sales"))
    sales = User.objects.get(pk=sales.pk)
    supplier = Supplier.objects.create(name="Bench supplier", code="bench")
    store = Store.objects.create(name="天猫旗舰店 Bench", platform=Platform.TMALL, salesperson=sales)
    Product.objects.bulk_create([Product(sku=f"SKU-{i:04d}", name=f"Product {i}", default_supplier=supplier,
                                         supplier_unit_cost=Decimal("5"), list_price=Decimal("9.90"))
                                 for i in range(PRODUCTS)])
    analyze()
    data = path.read_bytes()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with override_settings(MEDIA_ROOT=tmp):
        importer = OrderImporter(store=store)
        started = time.perf_counter()
        batch = importer.parse(SimpleUploadedFile(path.name, data), actor=cold(sales))
        parse_seconds = time.perf_counter() - started
        assert (batch.valid, batch.error_count, batch.skipped) == (args.rows, 0, 0), (
            batch.valid, batch.error_count, batch.errors[:3])
        rss_after_parse = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        started = time.perf_counter()
        imported = importer.confirm(batch, actor=cold(sales))
        write_seconds = time.perf_counter() - started
        rss_after_write = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        del batch

        orders = Order.objects.filter(store=store).count()
        lines = OrderLine.objects.filter(order__store=store).count()

        # Python's own peak of the parse (tracemalloc slows allocation-heavy code, so not timed). The
        # orders exist now, so this parse skips every row — the reading and cleaning are the same.
        tracemalloc.start()
        OrderImporter(store=store).parse(SimpleUploadedFile(path.name, data), actor=sales)
        _current, parse_python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    # Baselines (same run): the bare read of the file, and the same rows written by bare Django.
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    bare_read_s, _rows = timed_call(lambda: CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())
    other = Store.objects.create(name="天猫旗舰店 Baseline", platform=Platform.TMALL, salesperson=sales)
    order_rows = list(Order.objects.filter(store=store).order_by("pk").values(
        "pk", "external_order_no", "recipient_name", "recipient_phone", "recipient_address", "ordered_at"))
    line_rows = {}
    for line in OrderLine.objects.filter(order__store=store).values("order_id", "product_id", "quantity", "unit_price"):
        line_rows.setdefault(line.pop("order_id"), []).append(line)

    def bare_write():
        with transaction.atomic():
            created = Order.objects.bulk_create(
                [Order(store=other, source="import", created_by=sales,
                       **{k: v for k, v in row.items() if k != "pk"}) for row in order_rows], batch_size=1000)
            OrderLine.objects.bulk_create(
                (OrderLine(order_id=order.pk, **line) for order, row in zip(created, order_rows, strict=True)
                 for line in line_rows[row["pk"]]), batch_size=2000)

    bare_write_s, _ = timed_call(bare_write)
    total = parse_seconds + write_seconds
    return {
        "parse": figure("parse", parse_seconds, bare_read_s, baseline="bare python-calamine read", count=args.rows),
        "write": figure("write", write_seconds, bare_write_s, baseline="bare Django bulk_create", count=args.rows),
        "loadavg": load(),
        "benchmark": "order_import",
        "rows": args.rows,
        "columns": len(HEADERS),
        "file_mb": round(len(data) / 1e6, 2),
        "orders_created": orders,
        "lines_created": lines,
        "created_reported": imported.created,
        "parse_seconds": round(parse_seconds, 2),
        "write_seconds": round(write_seconds, 2),
        "total_seconds": round(total, 2),
        "target_seconds": 30,
        "peak_rss_mb_before_import": round(rss_before, 1),
        "peak_rss_mb_after_parse": round(rss_after_parse, 1),
        "peak_rss_mb": round(rss_after_write, 1),
        "target_mb": 500,
        "parse_python_peak_mb": round(parse_python_peak / 1e6, 1),
        "met": total < 30 and rss_after_write < 500,
    }


if __name__ == "__main__":
    main()
