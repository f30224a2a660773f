"""Report reads from a replica (issue 13, item 9): when `DATABASE_REPLICA_URL` is set, the report
querysets read from the database alias "replica" (a streaming-replication standby the operator keeps);
everything else, and every write, stays on "default".

The design is explicit, not automatic: a report selector asks for the replica itself,

    from core.replica import reading_replica
    rows = reading_replica(Shipment.objects.filter(...)).values("store").annotate(...)

(or `.using(report_db())`). Nothing else reads from it, so a page that writes and then reads never sees
the replica's lag, and a list page, a form or a service stays on the primary. `report_db()` answers
"default" when no replica is configured (settings.REPORTS_READ_REPLICA False), so the same selector
works everywhere.

`PrimaryRouter` (settings.DATABASE_ROUTERS) is the safety net for writes: an object read from the replica
and then saved, or any write at all, goes to "default" (Django would otherwise send a save to the
database the instance came from). Relations between the two aliases are allowed (one database, two
connections); migrations run on "default" only (the replica follows it by replication).

Tests: config/settings/test.py declares "replica" as a TEST MIRROR of "default" (the same test database
through a second connection) with REPORTS_READ_REPLICA off; tests/core/test_replica.py turns it on and
checks on PostgreSQL that a report query went through the replica connection and a write did not."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"


def report_db():
    """The alias report querysets read from: "replica" when configured and enabled, else "default"."""
    if getattr(settings, "REPORTS_READ_REPLICA", False) and REPLICA in settings.DATABASES:
        return REPLICA
    return DEFAULT_DB_ALIAS


def reading_replica(queryset):
    """`queryset` reading from the report database (`report_db()`). For reads only: a write through it is
    sent to the primary by `PrimaryRouter`, whatever alias the queryset names."""
    return queryset.using(report_db())


class PrimaryRouter:
    """Reads: Django's default (the primary, unless a queryset names the replica). Writes: always the
    primary. Migrations: the primary only."""

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
