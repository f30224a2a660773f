"""No GET changes anything (issue 12, item 6): every page of the project, opened with GET by every kind of
visitor (the walk of tests/accounts/test_url_walk.py: anonymous, each role, a supplier login, a superuser),
sends no INSERT, UPDATE or DELETE to the database, leaves the row count of every model as it was and
writes no transition log row. Printing, rendering and every other write answer POST only.

The pages' arguments are built first (they may create the documents the pages show); only then are the
rows counted and the pages opened."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import TransitionLog
from orders.models import InvoiceKind
from tests.accounts.test_url_walk import ARGS, EXPECTED, VISITORS, project_pages, visitor_client  # noqa: F401
from tests.orders.invoice_factories import VatInvoiceFactory

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# Query strings a page reads (exports, sorting, paging): they must not write either.
EXTRA_QUERIES = ("", "?_export=csv", "?_export=xlsx")


def row_counts():
    return {model._meta.label: model._default_manager.count()
            for model in apps.get_models() if model._meta.managed and not model._meta.proxy}


def urls_for(user):
    """Every walked page's URL (its arguments built now), with the read-only query strings list pages take."""
    urls = []
    for name in sorted(n for n in project_pages() if n in EXPECTED):
        kwargs = ARGS.get(name)
        url = reverse(name, kwargs=kwargs(user) if callable(kwargs) else kwargs)
        urls.extend((name, url + query) for query in (EXTRA_QUERIES if name.endswith("_list") else ("",)))
    # A commercial invoice whose PDF is not stored yet (its page used to render and store it on GET).
    commercial = VatInvoiceFactory(kind=InvoiceKind.COMMERCIAL, number="CI2026-000042", file=None)
    urls.append(("orders:invoice_file", reverse("orders:invoice_file", args=[commercial.pk])))
    return urls


@pytest.mark.parametrize("who", VISITORS)
def test_no_get_writes_a_row(visitor_client, who):  # noqa: F811 - the fixture imported above
    client, user = visitor_client(who)
    urls = urls_for(user)
    before, logs_before = row_counts(), TransitionLog.objects.count()
    writers = []
    for name, url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        writes = [q["sql"][:160] for q in queries.captured_queries if WRITE.match(q["sql"])]
        if writes:
            writers.append(f"{name} {url}: {writes}")
    assert not writers, f"as {who}, these GETs wrote:\n  " + "\n  ".join(writers)
    changed = {label: (count, after) for (label, count), after in zip(before.items(), row_counts().values(),
                                                                       strict=True) if count != after}
    assert not changed, f"as {who}, GETs changed row counts (model: before, after): {changed}"
    assert TransitionLog.objects.count() == logs_before


def test_the_walk_would_notice_a_get_that_writes(visitor_client, monkeypatch):  # noqa: F811
    """The check itself: a page that writes on GET is named (here the job page, made to save its job)."""
    from core import jobs

    original = jobs.JobDetailView.get_context_data

    def writing(self, **kwargs):
        self.object.save(update_fields=["error"])
        return original(self, **kwargs)

    monkeypatch.setattr(jobs.JobDetailView, "get_context_data", writing)
    client, user = visitor_client("warehouse")
    url = reverse("core:job_detail", kwargs=ARGS["core:job_detail"](user))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert any(WRITE.match(q["sql"]) for q in queries.captured_queries)
