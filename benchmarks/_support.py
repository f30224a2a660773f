"""What every benchmark here shares (CONVENTIONS.md, "Benchmarks"): other work runs on the same server and
the same two cores, so a benchmark

- works in a database of its own: BENCH_DB_NAME, or by default `consign_bench_<name>_<user>_<pid>` (unique
  per run). It creates it, refuses to use one that already exists (unless told to reuse it: then it never
  drops it), and drops at the end only the database it created itself in that run (never a fixed name);
- sends Celery messages to a Redis db from BENCH_REDIS_URL (default: the benchmark's own db number) and
  to a queue named for the run, and deletes only that queue's keys afterwards (never FLUSHDB);
- runs ANALYZE after seeding (`analyze`), so the planner sees the seeded tables as a real server would;
- acts as cold users: `cold(user)` re-fetches the user before each measured call, so its permission cache
  is empty, as in a request;
- prints each figure beside its baseline measured in the same run (`figure`), and `os.getloadavg()`
  (`load`) when the run starts, around each figure and at the end;
- prints one JSON line last (`emit`).

PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server (its database is used only
to create and drop the benchmark's own)."""

import getpass
import json
import os
import re
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

SERVER = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
STARTED_LOAD = os.getloadavg()


def load():
    """The 1, 5 and 15-minute load averages now (the machine is shared: read every figure beside it)."""
    return [round(value, 2) for value in os.getloadavg()]


def run_id():
    user = re.sub(r"[^a-z0-9]", "", getpass.getuser().lower()) or "user"
    return f"{user}_{os.getpid()}"


def server_url(dbname):
    return SERVER.rsplit("/", 1)[0] + "/" + dbname


class BenchDatabase:
    """The run's own PostgreSQL database (see the module docstring). `with BenchDatabase("orders") as db:`
    creates it (or, with reuse=True, uses an existing one named by BENCH_DB_NAME and never drops it) and
    points DATABASE_URL at it; on leaving, drops it when this run created it and keep is False."""

    def __init__(self, name, *, keep=False, reuse=False):
        self.name = os.environ.get("BENCH_DB_NAME") or f"consign_bench_{name}_{run_id()}"
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", self.name):
            raise SystemExit(f"BENCH_DB_NAME must be a plain lower-case PostgreSQL name, not {self.name!r}")
        self.keep, self.reuse, self.created = keep, reuse, False

    @property
    def url(self):
        return server_url(self.name)

    def _admin(self, sql, params=None):
        import psycopg

        with psycopg.connect(SERVER, autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchone() if sql.lstrip().upper().startswith("SELECT") else None

    def exists(self):
        return self._admin("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]) is not None

    def __enter__(self):
        if self.exists():
            if not self.reuse:
                raise SystemExit(f"database {self.name} exists already: not mine to use or drop (set another "
                                 f"BENCH_DB_NAME, or pass --reuse to run on it as it is)")
        else:
            self._admin(f'CREATE DATABASE "{self.name}"')
            self.created = True
        os.environ["DATABASE_URL"] = self.url
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        return self

    def __exit__(self, *exc):
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        if self.created and not self.keep:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        return False


def redis_url(default_db):
    return os.environ.get("BENCH_REDIS_URL") or f"redis://127.0.0.1:6379/{default_db}"


class BenchBroker:
    """Celery messages of this run go to BENCH_REDIS_URL, into a queue named for the run; on leaving, only
    that queue's keys are deleted (nothing else in the Redis db is touched). Enter before django.setup()."""

    def __init__(self, default_db):
        self.url = redis_url(default_db)
        self.queue = f"consign_bench_{run_id()}"

    def __enter__(self):
        os.environ["CELERY_BROKER_URL"] = self.url
        return self

    def configure(self):
        """After django.setup(): every task of this process goes to the run's queue."""
        from config.celery import app

        app.conf.task_default_queue = self.queue
        app.conf.task_default_routing_key = self.queue

    def pending(self):
        import redis

        return redis.Redis.from_url(self.url).llen(self.queue)

    def __exit__(self, *exc):
        import redis

        client = redis.Redis.from_url(self.url)
        # the queue's list and kombu's bookkeeping keys named after it (the name is unique to this run)
        client.delete(self.queue, *client.keys(f"*{self.queue}*"))
        return False


def analyze(connection=None):
    """ANALYZE the whole database after seeding (the planner's statistics, as a live server has them)."""
    if connection is None:
        from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def cold(user):
    """The same user fetched again: an empty permission cache, as each request has."""
    return type(user)._default_manager.get(pk=user.pk)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def figure(label, seconds, baseline_seconds, *, baseline, count=None, unit="s"):
    """One figure beside its same-run baseline: seconds, the baseline's, their ratio, rates when `count`
    is given, and the load average now. Printed as a line for people and returned for the JSON."""
    ratio = seconds / baseline_seconds if baseline_seconds else None
    row = {"seconds": round(seconds, 4), "baseline": baseline, "baseline_seconds": round(baseline_seconds, 4),
           "ratio_to_baseline": round(ratio, 2) if ratio is not None else None, "loadavg": load()}
    if count:
        row["per_s"] = round(count / seconds, 1) if seconds else None
        row["baseline_per_s"] = round(count / baseline_seconds, 1) if baseline_seconds else None
    rates = f"; {row['per_s']}/s vs {row['baseline_per_s']}/s" if count else ""
    print(f"{label}: {seconds:.3f} {unit} vs {baseline} {baseline_seconds:.3f} {unit} "
          f"(x {row['ratio_to_baseline']}){rates}  load {row['loadavg']}", file=sys.stderr)
    return row


def emit(result):
    """Print the result as the last line (JSON), with the load average at the start and now."""
    result = {**result, "loadavg_at_start": [round(v, 2) for v in STARTED_LOAD], "loadavg_at_end": load(),
              "cpus": os.cpu_count()}
    print(json.dumps(result, ensure_ascii=False, default=str))
    return result
