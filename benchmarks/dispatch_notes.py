"""Dispatch notes: 500 notes into one PDF, and one note on demand (issue 5's targets: ≤ 0.15 s per slip
and < 1 GB peak for the worker; one on-demand note < 2 s).

The real thing on PostgreSQL: its own database (`consign_dispatch_bench`, dropped first and afterwards),
migrated; 500 approved company dispatches of 500 orders, 4 lines each, Chinese recipients and
addresses. Then, as the warehouse clerk would:
1. `print_dispatch_notes` for all 500 (each approved shipment → picking through shipments.services,
   one transaction, the PdfJob queued; the task is not run in this process);
2. the job rendered by `core.pdf.run_pdf_job` in a FRESH child process, as a Celery worker would run
   it (the real template, QR codes, chunks of 80 slips per WeasyPrint render merged with pypdf):
   seconds, seconds per slip and that process's peak RSS;
3. every order number and recipient extracted from the PDF's text (pypdf), one page per note;
4. one note on demand (`dispatch_note_pdf`, start picking included) in another fresh process: the
   first (cold: fonts loaded) and a second one (warm).

Run alone: `.venv/bin/python benchmarks/dispatch_notes.py [--notes 500] [--layout a4|label] [--keep]`;
the last line is JSON."""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_DB = "consign_dispatch_bench"
SERVER = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
LINES_PER_NOTE = 4


def server_url(dbname):
    return SERVER.rsplit("/", 1)[0] + "/" + dbname


def admin(sql):
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(sql)


def setup_django():
    os.environ["DATABASE_URL"] = server_url(BENCH_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


# ---- child processes (a fresh interpreter each, like a worker) -----------------------------------

def child_render_job(job_id):
    setup_django()
    from core.pdf import run_pdf_job

    start = time.perf_counter()
    job = run_pdf_job(job_id)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "state": job.state, "error": job.error, "peak_rss_mb": peak_rss_mb()}))


def child_on_demand(shipment_ids, username):
    setup_django()
    from accounts.models import User
    from shipments.dispatch_notes import dispatch_note_pdf
    from shipments.models import Shipment

    clerk = User.objects.get(username=username)
    times = []
    for pk in shipment_ids:
        shipment = Shipment.objects.get(pk=pk)
        start = time.perf_counter()
        data = dispatch_note_pdf(shipment, layout="a4", actor=clerk)
        times.append(time.perf_counter() - start)
        assert data.startswith(b"%PDF")
    print(json.dumps({"cold_s": times[0], "warm_s": times[1], "peak_rss_mb": peak_rss_mb()}))


def run_child(*args):
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True,
                         env={**os.environ, "DATABASE_URL": server_url(BENCH_DB)})
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- the parent ----------------------------------------------------------------------------------

def build_floor(count):
    """`count` + 2 approved company dispatches (500 orders × 4 lines), created in bulk."""
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Platform, Product, Store, Supplier, Warehouse
    from orders.models import Order, OrderLine
    from shipments.models import Shipment, ShipmentLine

    sales = User.objects.create_user("bench-sales", password="x")
    sales.groups.add(Group.objects.get(name="sales"))
    approver = User.objects.create_user("bench-approver", password="x")
    clerk = User.objects.create_user("bench-warehouse", password="x")
    clerk.groups.add(Group.objects.get(name="warehouse"))
    store = Store.objects.create(name="天猫旗舰店 Tmall flagship", platform=Platform.TMALL, salesperson=sales)
    supplier = Supplier.objects.create(name="宁波保温杯厂", code="nb-cups")
    warehouse = Warehouse.objects.create(code="sh-1", name="上海一号仓")
    products = [Product.objects.create(sku=f"SKU-{i:05d}", name=f"不锈钢真空保温杯 500ml 款式{i}",
                                       default_supplier=supplier, supplier_unit_cost=Decimal("30.00"),
                                       list_price=Decimal("89.00")) for i in range(LINES_PER_NOTE)]
    now = timezone.now()
    orders = Order.objects.bulk_create([
        Order(store=store, external_order_no=f"TM2026112{i:07d}", recipient_name=f"欧阳{'娜伟芳静'[i % 4]}{i}",
              recipient_phone="13800138000", ordered_at=now,
              recipient_address=f"浙江省杭州市西湖区文三路 {i} 号华星时代广场 A 座 {1000 + i % 900} 室")
        for i in range(count + 2)
    ])
    lines = OrderLine.objects.bulk_create([
        OrderLine(order=order, product=product, quantity=j + 1, unit_price=Decimal("89.00"))
        for order in orders for j, product in enumerate(products)
    ])
    shipments = Shipment.objects.bulk_create([
        Shipment(order=order, kind="company_dispatch", warehouse=warehouse, entered_by=sales, state="approved",
                 approved_by=approver, approved_at=now)
        for order in orders
    ])
    by_order = {}
    for line in lines:
        by_order.setdefault(line.order_id, []).append(line)
    ShipmentLine.objects.bulk_create([
        ShipmentLine(shipment=shipment, order_line=line, quantity=line.quantity)
        for shipment in shipments for line in by_order[shipment.order_id]
    ])
    return clerk, orders, shipments


def run(args):
    from django.core.management import call_command
    from pypdf import PdfReader

    import core.tasks
    from core.models import PdfJob
    from shipments.dispatch_notes import print_dispatch_notes
    from shipments.models import Shipment

    call_command("migrate", verbosity=0)
    clerk, orders, shipments = build_floor(args.notes)
    batch, on_demand = shipments[:args.notes], shipments[args.notes:]

    core.tasks.render_pdf_job.delay = lambda *a, **k: None  # queued, not run here: the child renders it
    start = time.perf_counter()
    job, skipped = print_dispatch_notes(shipment_ids=[s.pk for s in batch], layout=args.layout, actor=clerk)
    print_s = time.perf_counter() - start
    assert not skipped
    assert Shipment.objects.filter(pk__in=[s.pk for s in batch], state="picking").count() == args.notes

    worker = run_child("--child-render-job", str(job.pk))
    job = PdfJob.objects.get(pk=job.pk)
    assert worker["state"] == "done", worker
    data = job.file.read()
    reader = PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    missing = [o.external_order_no for o, text in zip(orders, texts, strict=False)
               if o.external_order_no not in text or o.recipient_name not in text]
    missing += [o.external_order_no for o in orders[len(texts):args.notes]]

    one = run_child("--child-on-demand", *(str(s.pk) for s in on_demand), clerk.username)

    per_slip = worker["seconds"] / args.notes
    result = {
        "benchmark": "dispatch_notes",
        "database": "postgresql",
        "layout": args.layout,
        "notes": args.notes,
        "lines_per_note": LINES_PER_NOTE,
        "print_request_s": round(print_s, 3),  # 500 × start_picking + the job queued, one transaction
        "render_s": round(worker["seconds"], 3),
        "per_slip_s": round(per_slip, 4),
        "slips_per_s": round(args.notes / worker["seconds"], 1),
        "worker_peak_rss_mb": round(worker["peak_rss_mb"], 1),
        "pdf_pages": len(reader.pages),
        "pdf_mb": round(len(data) / 1e6, 2),
        "order_numbers_extractable": args.notes - len(missing),
        "on_demand_cold_s": round(one["cold_s"], 3),
        "on_demand_warm_s": round(one["warm_s"], 3),
        "targets": {"per_slip_s": 0.15, "worker_peak_rss_mb": 1024, "on_demand_s": 2.0},
        "meets_targets": per_slip <= 0.15 and worker["peak_rss_mb"] < 1024 and one["cold_s"] < 2.0
        and not missing and len(reader.pages) == args.notes,
    }
    print(f"{args.notes} notes: render {worker['seconds']:.1f} s ({per_slip:.4f} s/slip), worker peak "
          f"{worker['peak_rss_mb']:.0f} MB, {result['order_numbers_extractable']} order numbers found; "
          f"print request {print_s:.2f} s; one note on demand {one['cold_s']:.2f} s cold, {one['warm_s']:.2f} s warm")
    return result


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--child-render-job":
        return child_render_job(int(sys.argv[2]))
    if len(sys.argv) > 2 and sys.argv[1] == "--child-on-demand":
        return child_on_demand([int(a) for a in sys.argv[2:-1]], sys.argv[-1])
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--layout", choices=["a4", "label"], default="a4")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    admin(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{BENCH_DB}"')
    setup_django()
    try:
        result = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            admin(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
