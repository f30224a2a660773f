"""Report reads go to the replica when one is configured; writes never do (core/replica.py).

In tests "replica" is a TEST MIRROR of "default": the same test database through its own connection, so
the rows are committed first (transactional test) and each connection's captured queries say which
alias a statement went through."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Count
from django.test.utils import CaptureQueriesContext, override_settings

from catalog.models import Store
from core.replica import REPLICA, PrimaryRouter, reading_replica, report_db
from tests.factories import StoreFactory

BOTH = ["default", "replica"]


def test_without_a_replica_reports_read_the_primary():
    assert report_db() == DEFAULT_DB_ALIAS  # tests leave it off unless they turn it on
    assert reading_replica(Store.objects.all()).db == DEFAULT_DB_ALIAS


def test_router_sends_every_write_and_migration_to_the_primary():
    primary = PrimaryRouter()
    store = Store(name="x")
    store._state.db = REPLICA
    assert primary.db_for_write(Store, instance=store) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Store, instance=store) == DEFAULT_DB_ALIAS
    assert primary.db_for_read(Store) is None
    assert primary.allow_migrate(DEFAULT_DB_ALIAS, "catalog") is True
    assert primary.allow_migrate(REPLICA, "catalog") is False
    other = Store(name="y")
    other._state.db = DEFAULT_DB_ALIAS
    assert primary.allow_relation(store, other) is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=BOTH)
@override_settings(REPORTS_READ_REPLICA=True)
def test_a_report_query_goes_to_the_replica_and_a_write_never_does():
    StoreFactory.create_batch(3)
    assert report_db() == REPLICA
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, \
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
        rows = list(reading_replica(Store.objects.order_by()).values("platform").annotate(n=Count("id")))
    assert sum(row["n"] for row in rows) == 3
    assert len(on_replica.captured_queries) == 1 and 'FROM "catalog_store"' in on_replica.captured_queries[0]["sql"]
    assert on_primary.captured_queries == []

    # an object read from the replica and saved: the UPDATE goes to the primary
    store = reading_replica(Store.objects.all()).order_by("pk").first()
    assert store._state.db == REPLICA
    store.name = "renamed on the primary"
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, \
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
        store.save(update_fields=["name"])
        Store.objects.create(name="new store", platform="jd", salesperson_id=store.salesperson_id)
    assert on_replica.captured_queries == []
    assert any(q["sql"].startswith("UPDATE") for q in on_primary.captured_queries)
    assert any(q["sql"].startswith("INSERT") for q in on_primary.captured_queries)
    assert Store.objects.filter(name="renamed on the primary").exists()


def test_the_dashboards_base_querysets_read_the_report_database():
    import datetime

    from reports.aftersales_stats import counted_tickets, ticket_lines
    from reports.filters import ReportFilters
    from reports.shipping import dispatched_lines, dispatched_shipments

    f = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 1, 31))
    selectors = (dispatched_lines, dispatched_shipments, counted_tickets, ticket_lines)
    assert {selector(f).db for selector in selectors} == {DEFAULT_DB_ALIAS}
    with override_settings(REPORTS_READ_REPLICA=True):
        assert {selector(f).db for selector in selectors} == {REPLICA}
