"""Consign's pages under load over HTTP (issue 12): gunicorn with 3 workers on PostgreSQL, many people at
once, against a bare 50-row django-tables2 page of the same data served by the same server (the baseline).

1. Creates its own database (BENCH_DB_NAME, default consign_bench_http_<user>_<pid>; see _support.py: an
   existing one is refused unless --reuse, and only the one this run created is dropped), migrates it and
   seeds it through the services: orders, shipments awaiting approval, company dispatches in the warehouse
   queue (approved and picking), after-sales tickets; then ANALYZE.
2. Starts gunicorn (3 sync workers, a free loopback port, benchmarks/http_site: Consign's URLs plus
   /bench/baseline/), and logs in the users over HTTP (sales, approver, warehouse, manager in turn; each
   request loads its user anew, so permission caches start empty as in production).
3. Phases of --duration seconds each, every client in a loop with no think time (asyncio, standard library
   HTTP/1.1; the sync workers close each connection):
   - baseline: --users clients on /bench/baseline/;
   - mix: --users people over the list and detail pages of their role, plus one API client running
     submit → approve → start picking → dispatch of new company dispatches with tokens of the three roles;
   - mix at --small-users people (p95 target < 250 ms);
   and then every list page once per --single rounds at 50 rows, one request at a time (its server time).
Reports requests/s, p50/p95/p99 and errors per phase, the mix's share of the baseline's requests/s, and
os.getloadavg() beside each figure. Targets: mix ≥ 1/3 of the baseline, p95 < 250 ms at 8 users, no
errors, every list page < 60 ms at 50 rows.

Run alone: `.venv/bin/python benchmarks/http_load.py [--duration 60] [--users 32] [--keep] [--reuse]`.
PG_URL names the PostgreSQL server; CONN_MAX_AGE (default 60) is passed to gunicorn. Last line: JSON."""

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import BASE_DIR, BenchDatabase, analyze, emit, load  # noqa: E402

ROLES = ("sales", "approver", "warehouse", "manager")
PASSWORD = "bench-http-1"
TARGET_SHARE, TARGET_P95_MS, TARGET_SINGLE_MS = 1 / 3, 250, 60
LIST_PAGES = {
    "warehouse queue": ("warehouse", "/shipments/queue/"),
    "approval queue": ("approver", "/shipments/approvals/"),
    "order list": ("manager", "/orders/"),
    "shipment list": ("manager", "/shipments/"),
    "ticket list": ("sales", "/after-sales/"),
}


# ---- seeding (in this process, through the services) ---------------------------------------------------
def seed(orders):
    """Master data, 8 users per role, `orders` one-line orders (set-based); a quarter of them with a
    submitted company dispatch, a quarter with an approved one (half of those picking), a quarter with a
    refund-only ticket, the last quarter left for the API client. Returns what the clients need."""
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from accounts.tokens import create_token
    from aftersales.models import TicketReason, TicketType
    from aftersales.services import register_ticket
    from aftersales.ticket_data import TicketData
    from catalog.models import Carrier, Platform, Product, Store, Supplier, Warehouse
    from inventory.models import MoveKind
    from inventory.services import StockMove, move_stock
    from orders.models import Order, OrderLine
    from shipments.approval import approve_shipment, submit_shipment
    from shipments.dispatching import start_picking
    from shipments.entry import LineInput, create_shipment

    users = {role: [] for role in ROLES}
    for role in ROLES:
        group = Group.objects.get(name=role)
        for n in range(8):
            user = User.objects.create_user(f"bench-{role}-{n}", f"bench-{role}-{n}@example.com", PASSWORD)
            user.groups.add(group)
            users[role].append(user)
    supplier = Supplier.objects.create(name="基准 Bench supplier", code="bench-sup",
                                       contact_email="bench@supplier.example")
    warehouse = Warehouse.objects.create(code="bench-wh", name="基准仓库 Bench warehouse")
    carrier = Carrier.objects.create(code="bench-car", name="基准物流", tracking_url_pattern="https://t.example/{tracking_number}")
    stores = [Store.objects.create(name=f"基准店铺 Bench store {n}", platform=Platform.TMALL,
                                   salesperson=users["sales"][n % 8]) for n in range(4)]
    products = Product.objects.bulk_create([
        Product(sku=f"BENCH-{n:03d}", name=f"基准产品 Product {n}", default_supplier=supplier,
                supplier_unit_cost=Decimal("10.00"), list_price=Decimal("25.00")) for n in range(20)])
    move_stock(moves=[StockMove(product_id=p.pk, warehouse_id=warehouse.pk, direction="in", quantity=orders * 4,
                                kind=MoveKind.PURCHASE_RECEIPT) for p in products])
    now = timezone.now()
    made = Order.objects.bulk_create([
        Order(store=stores[n % 4], external_order_no=f"BENCH-{n:06d}", recipient_name="张三", recipient_phone="13800138000",
              recipient_address="上海市浦东新区世纪大道 100 号", ordered_at=now - timedelta(minutes=n))
        for n in range(orders)])
    lines = OrderLine.objects.bulk_create([
        OrderLine(order=order, product=products[n % 20], quantity=4, unit_price=Decimal("25.00"))
        for n, order in enumerate(made)])
    quarter = orders // 4
    sales, approver, warehouse_user = users["sales"][0], users["approver"][0], users["warehouse"][0]
    shipment_ids = []
    for n, line in enumerate(lines[: 2 * quarter]):
        shipment = create_shipment(order=line.order, kind="company_dispatch", warehouse=warehouse,
                                            lines=[LineInput(order_line=line, quantity=1)], actor=sales)
        submit_shipment(shipment, actor=sales)
        if n >= quarter:
            approve_shipment(shipment, actor=approver)
            if n % 2:
                start_picking(shipment, actor=warehouse_user)
        shipment_ids.append(shipment.pk)
    ticket_ids = [register_ticket(data=TicketData(
        type=TicketType.REFUND_ONLY, order=line.order, handler=sales, reason=TicketReason.QUALITY,
        supplier=supplier, lines=[(line, 1)]), actor=sales).pk for line in lines[2 * quarter: 3 * quarter]]
    tokens = {role: create_token(user=users[role][0], name="bench", actor=users[role][0])[1]
              for role in ("sales", "approver", "warehouse")}
    return {
        "usernames": {role: [u.username for u in people] for role, people in users.items()},
        "order_ids": [o.pk for o in made], "shipment_ids": shipment_ids, "ticket_ids": ticket_ids,
        "api_lines": [(line.order_id, line.pk) for line in lines[3 * quarter:]],
        "warehouse_id": warehouse.pk, "carrier": carrier.code, "tokens": tokens,
    }


# ---- HTTP ---------------------------------------------------------------------------------------------
class Http:
    """HTTP/1.1 over asyncio streams, one connection per request (gunicorn's sync workers close them)."""

    def __init__(self, port):
        self.port = port

    async def request(self, method, path, *, headers=None, body=b""):
        """(status, {header: [values]}, body bytes)."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Connection: close",
                f"Content-Length: {len(body)}"]
        head += [f"{name}: {value}" for name, value in (headers or {}).items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read()
        writer.close()
        header_part, _sep, payload = raw.partition(b"\r\n\r\n")
        lines = header_part.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
        parsed = {}
        for line in lines[1:]:
            name, _colon, value = line.partition(":")
            parsed.setdefault(name.strip().lower(), []).append(value.strip())
        return status, parsed, payload


def cookies_from(headers, jar):
    for value in headers.get("set-cookie", []):
        name, _eq, rest = value.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def cookie_header(jar):
    return "; ".join(f"{k}={v}" for k, v in jar.items())


async def login(http, username):
    """The session cookie of `username`, logged in through the login page like a person."""
    jar = {}
    status, headers, body = await http.request("GET", "/accounts/login/")
    cookies_from(headers, jar)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={token}".encode()
    status, headers, _body = await http.request("POST", "/accounts/login/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)})
    cookies_from(headers, jar)
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"login of {username} failed: HTTP {status}")
    return cookie_header(jar)


class Stats:
    def __init__(self):
        self.latencies, self.errors, self.error_samples = [], 0, []

    def add(self, seconds, ok, what=""):
        self.latencies.append(seconds)
        if not ok:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(what)

    def summary(self, elapsed):
        ms = sorted(x * 1000 for x in self.latencies)

        def pct(p):
            return round(ms[min(len(ms) - 1, int(len(ms) * p))], 1) if ms else None

        return {"requests": len(ms), "seconds": round(elapsed, 2), "per_s": round(len(ms) / elapsed, 1),
                "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99), "errors": self.errors,
                "error_samples": self.error_samples, "loadavg": load()}


def pages_for(role, data, rng):
    """The next page a person of `role` opens: their lists and the documents behind them."""
    order = f"/orders/{rng.choice(data['order_ids'])}/"
    shipment = f"/shipments/{rng.choice(data['shipment_ids'])}/"
    ticket = f"/after-sales/{rng.choice(data['ticket_ids'])}/"
    return rng.choice({
        "sales": ["/orders/", order, "/shipments/", shipment, "/after-sales/", ticket],
        "approver": ["/shipments/approvals/", shipment, "/after-sales/", ticket, order],
        "warehouse": ["/shipments/queue/", shipment, "/shipments/", order],
        "manager": ["/orders/", "/shipments/", "/after-sales/", order, shipment, ticket],
    }[role])


async def person(http, cookie, role, data, stats, until, seed_):
    rng = random.Random(seed_)
    while time.monotonic() < until:
        path = pages_for(role, data, rng)
        started = time.perf_counter()
        try:
            status, _headers, _body = await http.request("GET", path, headers={"Cookie": cookie})
        except OSError as exc:
            status = f"{type(exc).__name__}"
        stats.add(time.perf_counter() - started, status == 200, f"{role} {path}: {status}")


async def baseline_client(http, stats, until):
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            status, _headers, _body = await http.request("GET", "/bench/baseline/")
        except OSError as exc:
            status = type(exc).__name__
        stats.add(time.perf_counter() - started, status == 200, f"baseline: {status}")


async def api_client(http, data, stats, until):
    """New company dispatches through the API: sales enters and submits, an approver approves, warehouse
    starts picking and dispatches. Each call counts in the mix's figures."""
    import json

    lines = list(data["api_lines"])

    async def call(role, path, body=None):
        headers = {"Authorization": f"Bearer {data['tokens'][role]}", "Content-Type": "application/json",
                   "Idempotency-Key": str(uuid.uuid4())}
        started = time.perf_counter()
        try:
            status, _h, payload = await http.request("POST", path, headers=headers,
                                                     body=json.dumps(body or {}).encode())
        except OSError as exc:
            status, payload = type(exc).__name__, b""
        ok = status in (200, 201)
        stats.add(time.perf_counter() - started, ok, f"API {path}: {status} {payload[:200]!r}")
        return json.loads(payload) if ok else None

    while time.monotonic() < until and lines:
        order_id, line_id = lines.pop()
        created = await call("sales", "/api/v1/shipments", {
            "order": order_id, "kind": "company_dispatch", "warehouse": data["warehouse_id"],
            "lines": [{"order_line": line_id, "quantity": 1}]})
        if not created:
            continue
        base = f"/api/v1/shipments/{created['id']}"
        for role, path, body in (("sales", "/submit", None), ("approver", "/approve", None),
                                 ("warehouse", "/start-picking", None),
                                 ("warehouse", "/dispatch", {"carrier": data["carrier"],
                                                             "tracking_number": f"SF{created['id']}"})):
            if await call(role, base + path, body) is None:
                break


async def warm_up(http, sessions, data, workers):
    """Every page kind a few times per worker before anything is measured: each gunicorn worker compiles
    its templates and URL patterns and opens its database connection on its first requests."""
    rng = random.Random(0)
    paths = [("manager", "/bench/baseline/")] + [(role, path + "?per_page=50") for role, path in LIST_PAGES.values()]
    paths += [(role, pages_for(role, data, rng)) for role in ROLES for _ in range(6)]
    for _round in range(2 * workers):
        await asyncio.gather(*(http.request("GET", path, headers={"Cookie": sessions[role][0]})
                               for role, path in paths))


async def run_phase(name, coroutines, stats, duration):
    started = time.monotonic()
    await asyncio.gather(*coroutines)
    summary = stats.summary(time.monotonic() - started)
    print(f"{name}: {summary}", file=sys.stderr)
    return summary


async def drive(port, data, args):
    http = Http(port)
    sessions = {}
    for role in ROLES:
        for username in data["usernames"][role]:
            sessions.setdefault(role, []).append(await login(http, username))
    people = [(ROLES[n % len(ROLES)], sessions[ROLES[n % len(ROLES)]][(n // len(ROLES)) % 8]) for n in range(args.users)]
    await warm_up(http, sessions, data, args.workers)

    stats = Stats()
    until = time.monotonic() + args.duration
    baseline = await run_phase("baseline", [baseline_client(http, stats, until) for _ in range(args.users)],
                               stats, args.duration)

    stats = Stats()
    until = time.monotonic() + args.duration
    mix = await run_phase(f"mix at {args.users} users", [
        *(person(http, cookie, role, data, stats, until, n) for n, (role, cookie) in enumerate(people)),
        api_client(http, data, stats, until)], stats, args.duration)

    stats = Stats()
    until = time.monotonic() + args.duration
    small = await run_phase(f"mix at {args.small_users} users", [
        person(http, cookie, role, data, stats, until, 1000 + n)
        for n, (role, cookie) in enumerate(people[: args.small_users])], stats, args.duration)

    single = {}
    for page, (role, path) in LIST_PAGES.items():
        times = []
        for _ in range(args.single):
            started = time.perf_counter()
            status, _h, body = await http.request("GET", path + "?per_page=50", headers={"Cookie": sessions[role][0]})
            times.append((time.perf_counter() - started) * 1000)
            assert status == 200, (page, status)
        single[page] = {"median_ms": round(statistics.median(times), 1), "best_ms": round(min(times), 1),
                        "rows": body.count(b"<tr ") , "loadavg": load()}
        print(f"single request, {page} at 50 rows: {single[page]}", file=sys.stderr)
    return baseline, mix, small, single


# ---- gunicorn -----------------------------------------------------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port, workers, database_url):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "http_site.settings", "DATABASE_URL": database_url,
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parent), str(BASE_DIR)])}
    env.pop("CELERY_BROKER_URL", None)  # tasks run in-process, as the test settings say
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "120"], cwd=BASE_DIR, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gunicorn stopped while starting") from None
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=60, help="seconds per phase")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--small-users", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--single", type=int, default=5, help="sequential requests per list page")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    with BenchDatabase("http", keep=args.keep, reuse=args.reuse) as db:
        migrate = subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=BASE_DIR,
                                 env={**os.environ, "DATABASE_URL": db.url,
                                      "DJANGO_SETTINGS_MODULE": "config.settings.test"},
                                 capture_output=True, text=True)
        if migrate.returncode:
            raise SystemExit(f"migrate failed: {migrate.stderr[-2000:]}")
        import django

        django.setup()
        from django.db import connection

        started = time.perf_counter()
        data = seed(args.orders)
        analyze()
        connection.close()
        print(f"seeded {args.orders} orders in {time.perf_counter() - started:.1f} s, load {load()}", file=sys.stderr)

        port = free_port()
        server = start_gunicorn(port, args.workers, db.url)
        try:
            baseline, mix, small, single = asyncio.run(drive(port, data, args))
        finally:
            stop(server)

    share = mix["per_s"] / baseline["per_s"] if baseline["per_s"] else None
    emit({
        "benchmark": "http_load", "workers": args.workers, "users": args.users, "duration_s": args.duration,
        "conn_max_age": os.environ.get("CONN_MAX_AGE", "60"),
        "baseline_bare_tables2_50_rows": baseline, "mix": mix, "mix_share_of_baseline": round(share, 3) if share else None,
        f"mix_at_{args.small_users}_users": small, "single_request_at_50_rows": single,
        "targets": {
            "mix_share_of_baseline_at_least": round(TARGET_SHARE, 3),
            "mix_share_met": bool(share and share >= TARGET_SHARE),
            f"p95_at_{args.small_users}_users_under_ms": TARGET_P95_MS,
            "p95_met": bool(small["p95_ms"] is not None and small["p95_ms"] < TARGET_P95_MS),
            "no_errors_met": mix["errors"] == 0 and small["errors"] == 0 and baseline["errors"] == 0,
            "single_under_ms": TARGET_SINGLE_MS,
            "single_met": all(page["median_ms"] < TARGET_SINGLE_MS for page in single.values()),
        },
    })


if __name__ == "__main__":
    main()
