"""Dispatch notes: 500 notes into one PDF, and one note on demand (issue 5's targets: ≤ 0.15 s per slip
and < 1 GB peak for the worker; one on-demand note < 2 s), each figure beside a baseline of the same run.

The real thing on PostgreSQL: its own database (benchmarks/_support.py: BENCH_DB_NAME or a per-run name,
dropped afterwards unless --keep, and only because this run created it), migrated; 500 approved company
dispatches of 500 orders, 4 lines each, Chinese recipients and addresses (then ANALYZE). Then, as the
warehouse clerk would (the clerk fetched again before each step: an empty permission cache, as a request):
1. `print_dispatch_notes` for all 500 (each approved shipment → picking through shipments' services,
   one transaction, the PdfJob queued; the task is not run in this process), beside bare Django doing the
   same writes to another 500 (lock the rows, one QuerySet.update of the state, the log rows by
   bulk_create, the job row) in one transaction;
2. the job rendered by `core.pdf.run_pdf_job` in a FRESH child process, as a Celery worker would run it
   (the real template, QR codes, chunks of 80 slips per WeasyPrint render merged with pypdf): seconds,
   seconds per slip and that process's peak RSS, beside the bare renderer in the same process (the same
   slips' contexts through core.pdf.render_many: no job, no claim, nothing stored);
3. every order number and recipient extracted from the PDF's text (pypdf), one page per note;
4. one note on demand as the page asks for it (`print_dispatch_note`: a POST that starts picking and
   queues a job) and that job rendered in another fresh process: the first (cold: fonts loaded) and a
   second one (warm), beside core.pdf.render_pdf of the same note in that process.
No Celery message is sent (the queueing is replaced by nothing in this process): no Redis db is used.

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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import BenchDatabase, analyze, cold, emit, figure, load  # noqa: E402

LINES_PER_NOTE = 4


def setup_django():
    """In a child: the parent's environment already names the run's database (DATABASE_URL)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


# ---- child processes (a fresh interpreter each, like a worker) -----------------------------------

def child_render_job(job_id):
    setup_django()
    from core.models import PdfJob
    from core.pdf import render_many, run_pdf_job
    from shipments.dispatch_notes import LAYOUTS, slip_contexts

    start = time.perf_counter()
    job = run_pdf_job(job_id)
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    parameters = PdfJob.objects.get(pk=job_id).parameters
    contexts = list(slip_contexts(parameters["shipment_ids"]))
    start = time.perf_counter()
    render_many(LAYOUTS[parameters["layout"]][0], contexts)
    bare = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "bare_seconds": bare, "state": job.state, "error": job.error,
                      "peak_rss_mb": peak}))


def child_on_demand(job_ids):
    """Render the on-demand notes' jobs as the worker would: the first cold, the second warm; then the
    same note by core.pdf.render_pdf alone (the baseline)."""
    setup_django()
    from core.models import PdfJob
    from core.pdf import render_pdf, run_pdf_job
    from shipments.dispatch_notes import LAYOUTS, slip_contexts

    times, bare = [], []
    for pk in job_ids:
        start = time.perf_counter()
        job = run_pdf_job(pk)
        times.append(time.perf_counter() - start)
        assert job.state == "done", job.error
    for pk in job_ids:
        parameters = PdfJob.objects.get(pk=pk).parameters
        (context,) = slip_contexts(parameters["shipment_ids"])
        start = time.perf_counter()
        render_pdf(LAYOUTS[parameters["layout"]][0], context)
        bare.append(time.perf_counter() - start)
    print(json.dumps({"cold_s": times[0], "warm_s": times[1], "bare_warm_s": bare[1],
                      "peak_rss_mb": peak_rss_mb()}))


def run_child(*args):
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True,
                         env=dict(os.environ))
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- the parent ----------------------------------------------------------------------------------

def build_floor(count):
    """2 × `count` + 2 approved company dispatches (orders × 4 lines), created in bulk: a batch for the
    service, a batch for the baseline, two for on demand."""
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
        for i in range(2 * count + 2)
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


def bare_print(shipments, clerk, layout):
    """The baseline: the same writes as a print run by bare Django, one transaction."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from core.models import PdfJob, TransitionLog
    from shipments.models import Shipment

    ids = [s.pk for s in shipments]
    content_type = ContentType.objects.get_for_model(Shipment)
    with transaction.atomic():
        list(Shipment.objects.filter(pk__in=ids).order_by("pk").select_for_update())
        Shipment.objects.filter(pk__in=ids, state="approved").update(state="picking")
        TransitionLog.objects.bulk_create([
            TransitionLog(content_type=content_type, object_id=str(pk), transition="start_picking",
                          source="approved", target="picking", actor=clerk, comment="Dispatch note printed")
            for pk in ids])
        return PdfJob.objects.create(kind="dispatch_notes", parameters={"shipment_ids": ids, "layout": layout},
                                     created_by=clerk)


def run(args):
    from django.core.management import call_command
    from pypdf import PdfReader

    import core.tasks
    from core.models import PdfJob
    from shipments.dispatch_notes import print_dispatch_note, print_dispatch_notes
    from shipments.models import Shipment

    call_command("migrate", verbosity=0)
    clerk, orders, shipments = build_floor(args.notes)
    analyze()
    n = args.notes
    batch, baseline_batch, on_demand = shipments[:n], shipments[n:2 * n], shipments[2 * n:]

    core.tasks.render_pdf_job.apply_async = lambda *a, **k: None  # queued, not run here: the child renders it
    actor = cold(clerk)
    start = time.perf_counter()
    job, skipped = print_dispatch_notes(shipment_ids=[s.pk for s in batch], layout=args.layout, actor=actor)
    print_s = time.perf_counter() - start
    assert not skipped
    assert Shipment.objects.filter(pk__in=[s.pk for s in batch], state="picking").count() == n
    actor = cold(clerk)
    start = time.perf_counter()
    bare_print(baseline_batch, actor, args.layout)
    bare_print_s = time.perf_counter() - start

    worker = run_child("--child-render-job", str(job.pk))
    job = PdfJob.objects.get(pk=job.pk)
    assert worker["state"] == "done", worker
    data = job.file.read()
    reader = PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    missing = [o.external_order_no for o, text in zip(orders, texts, strict=False)
               if o.external_order_no not in text or o.recipient_name not in text]
    missing += [o.external_order_no for o in orders[len(texts):n]]

    request_s, note_jobs = [], []
    for shipment in on_demand:
        actor = cold(clerk)
        start = time.perf_counter()
        note_jobs.append(print_dispatch_note(Shipment.objects.get(pk=shipment.pk), layout="a4", actor=actor))
        request_s.append(time.perf_counter() - start)
    one = run_child("--child-on-demand", *(str(j.pk) for j in note_jobs))

    per_slip = worker["seconds"] / n
    result = {
        "benchmark": "dispatch_notes",
        "database": "postgresql",
        "layout": args.layout,
        "notes": n,
        "lines_per_note": LINES_PER_NOTE,
        "print_request": figure(f"print run of {n} (start picking + job queued)", print_s, bare_print_s,
                                baseline="the same writes by bare Django", count=n),
        "render": figure(f"render {n} notes in a fresh worker process", worker["seconds"], worker["bare_seconds"],
                         baseline="core.pdf.render_many of the same slips, no job", count=n),
        "on_demand_render_warm": figure("one note on demand, warm", one["warm_s"], one["bare_warm_s"],
                                        baseline="core.pdf.render_pdf of that note"),
        "print_request_s": round(print_s, 3),
        "render_s": round(worker["seconds"], 3),
        "per_slip_s": round(per_slip, 4),
        "slips_per_s": round(n / worker["seconds"], 1),
        "worker_peak_rss_mb": round(worker["peak_rss_mb"], 1),
        "pdf_pages": len(reader.pages),
        "pdf_mb": round(len(data) / 1e6, 2),
        "order_numbers_extractable": n - len(missing),
        "on_demand_request_s": [round(t, 3) for t in request_s],
        "on_demand_cold_s": round(one["cold_s"], 3),
        "on_demand_warm_s": round(one["warm_s"], 3),
        "targets": {"per_slip_s": 0.15, "worker_peak_rss_mb": 1024, "on_demand_s": 2.0},
        "meets_targets": per_slip <= 0.15 and worker["peak_rss_mb"] < 1024
        and request_s[0] + one["cold_s"] < 2.0 and not missing and len(reader.pages) == n,
        "loadavg": load(),
    }
    print(f"{n} notes: render {worker['seconds']:.1f} s ({per_slip:.4f} s/slip), worker peak "
          f"{worker['peak_rss_mb']:.0f} MB, {result['order_numbers_extractable']} order numbers found; "
          f"print request {print_s:.2f} s; one note on demand {request_s[0]:.2f} s request + "
          f"{one['cold_s']:.2f} s cold render, {one['warm_s']:.2f} s warm", file=sys.stderr)
    return result


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--child-render-job":
        return child_render_job(int(sys.argv[2]))
    if len(sys.argv) > 2 and sys.argv[1] == "--child-on-demand":
        return child_on_demand([int(a) for a in sys.argv[2:]])
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=500)
    parser.add_argument("--layout", choices=["a4", "label"], default="a4")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    with BenchDatabase("dispatch", keep=args.keep) as db:
        setup_django()
        result = run(args)
        result["database_name"] = db.name
    emit(result)


if __name__ == "__main__":
    main()
