"""Reconciliation 对账 (DESIGN.md, Reports): reconciled vs remaining per supplier, statements awaiting approval or
the supplier's confirmation, ageing of unreconciled entries (0–30, 31–60, 61–90, 90+ days) and payments.
Every figure is an aggregate of reconciliation.selectors, computed in the database; every row links to the
supplier account entries or statements behind it, with the same filters. Finance and managers open it."""

from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reconciliation import selectors
from reconciliation.filters import EntryFilter

from .charts import INT, MONEY, Chart, ChartRow
from .dashboards import DashboardView

PAGE_ROWS = 20


def _url(name, args=None, **query):
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return reverse(name, args=args) + (f"?{urlencode(query)}" if query else "")


class ReconciliationDashboardView(DashboardView):
    permission_required = "reports.view_reconciliation_dashboard"
    title = _("Reconciliation")
    filter_fields = ("period", "date_from", "date_to", "supplier")

    def today(self):
        return timezone.localdate()

    def _supplier_id(self, filters):
        return filters.supplier.pk if filters.supplier is not None else None

    def get_charts(self, filters):
        return [self.reconciled(filters), self.ageing(filters), self.awaiting(filters),
                self.awaiting_list(filters), self.payments(filters), self.payments_by_supplier(filters),
                self.ageing_by_supplier(filters)]

    def _entries_url(self, filters, **extra):
        query = {"supplier": self._supplier_id(filters), "date_from": filters.date_from.isoformat(),
                 "date_to": filters.date_to.isoformat(), **extra}
        return _url("reconciliation:entry_list", **query)

    def reconciled(self, filters):
        rows = [ChartRow(r["supplier__name"], [r["reconciled"], r["remaining"], r["total"], r["entries"]],
                         self._entries_url(filters, supplier=r["supplier_id"]))
                for r in selectors.reconciled_by_supplier(supplier=filters.supplier, date_from=filters.date_from,
                                                          date_to=filters.date_to)]
        chart = Chart("reconciled-by-supplier", _("Reconciled and remaining per supplier"), _("Supplier"),
                      [_("Reconciled"), _("Remaining"), _("Total"), _("Entries")], rows, series=(0, 1), stack=True,
                      formats=(MONEY, MONEY, MONEY, INT),
                      note=_("Supplier account entries dated in the period."))
        return chart.add_totals([sum(r.values[i] for r in rows) for i in range(4)]) if rows else chart

    def _ageing(self, filters):
        if not hasattr(self, "_ageing_rows"):
            self._ageing_rows = selectors.unreconciled_ageing(today=self.today(), supplier=filters.supplier)
        return self._ageing_rows

    def _bucket_query(self, bucket):
        first, last = selectors.ageing_bucket_dates(bucket, self.today())
        return {"status": EntryFilter.OPEN, "date_from": first.isoformat() if first else "",
                "date_to": last.isoformat()}

    def ageing(self, filters):
        totals, _per_supplier = self._ageing(filters)
        rows = [ChartRow(r["bucket"], [r["amount"], r["entries"]],
                         _url("reconciliation:entry_list", supplier=self._supplier_id(filters),
                              **self._bucket_query(r["bucket"])))
                for r in totals]
        if not any(r.values[1] for r in rows):
            rows = []
        return Chart("ageing", _("Unreconciled entries by age (days)"), _("Days"), [_("Amount"), _("Entries")], rows,
                     formats=(MONEY, INT), note=_("Every unreconciled entry, whatever its date, aged from its entry "
                                                  "date to today."))

    def ageing_by_supplier(self, filters):
        _totals, per_supplier = self._ageing(filters)
        buckets = [name for name, _low, _high in selectors.AGEING_BUCKETS]
        by_supplier = {}
        for r in per_supplier:
            entry = by_supplier.setdefault(r["supplier_id"], [r["supplier__name"], dict.fromkeys(buckets, 0)])
            entry[1][r["bucket"]] = r["amount"]
        rows = [ChartRow(name, [amounts[b] for b in buckets],
                         _url("reconciliation:entry_list", supplier=supplier_id, status=EntryFilter.OPEN))
                for supplier_id, (name, amounts) in by_supplier.items()]
        return Chart("ageing-by-supplier", _("Unreconciled amount per supplier by age (days)"), _("Supplier"),
                     buckets, rows, kind="bar", series=tuple(range(len(buckets))), stack=True,
                     formats=(MONEY,) * len(buckets))

    def awaiting(self, filters):
        rows = [ChartRow(str(r["label"]), [r["statements"], r["total"]],
                         _url("reconciliation:statement_list", state=r["state"], supplier=self._supplier_id(filters)))
                for r in selectors.statements_awaiting_by_state(supplier=filters.supplier)]
        if not any(r.values[0] for r in rows):
            rows = []
        return Chart("awaiting-by-state", _("Statements awaiting approval or confirmation"), _("Waiting for"),
                     [_("Statements"), _("Total")], rows, kind="pie", formats=(INT, MONEY))

    def _awaiting_rows(self, filters, limit=None):
        """(statement, [state, total, days waiting]): since submission for approval, since approval for the
        supplier's confirmation."""
        today = self.today()
        qs = selectors.statements_awaiting(supplier=filters.supplier)
        for s in (qs[:limit] if limit else qs.iterator(chunk_size=2000)):
            since = s.approved_at if s.state == "approved" else s.submitted_at
            days = (today - timezone.localdate(since)).days if since else None
            yield s, [s.get_state_display(), s.total, days]

    def awaiting_list(self, filters):
        rows = [ChartRow(f"{s.number} · {s.supplier.name} · {state}", values, s.get_absolute_url())
                for s, (state, *values) in self._awaiting_rows(filters, PAGE_ROWS)]
        return Chart("awaiting-statements", _("Statements waiting"), _("Statement"), [_("Total"), _("Days waiting")],
                     rows, kind="table", formats=(MONEY, INT))

    def payments(self, filters):
        rows = []
        for r in selectors.payments_by_month(supplier=filters.supplier, date_from=filters.date_from,
                                             date_to=filters.date_to):
            month = r["month"]
            month = month.date() if hasattr(month, "date") else month
            rows.append(ChartRow(month.strftime("%Y-%m"), [r["net"], r["to_supplier"], r["from_supplier"], r["payments"]],
                                 _url("reconciliation:statement_list", supplier=self._supplier_id(filters),
                                      paid_from=max(month, filters.date_from).isoformat(),
                                      paid_to=min(_month_end(month), filters.date_to).isoformat())))
        chart = Chart("payments", _("Payments by month"), _("Month"),
                      [_("Net paid"), _("To suppliers"), _("From suppliers"), _("Payments")], rows, series=(1, 2),
                      formats=(MONEY, MONEY, MONEY, INT))
        return chart.add_totals([sum(r.values[i] for r in rows) for i in range(4)]) if rows else chart

    def payments_by_supplier(self, filters):
        rows = [ChartRow(r["supplier__name"], [r["net"], r["to_supplier"], r["from_supplier"], r["payments"]],
                         _url("reconciliation:statement_list", supplier=r["supplier_id"],
                              paid_from=filters.date_from.isoformat(), paid_to=filters.date_to.isoformat()))
                for r in selectors.payments_by_supplier(supplier=filters.supplier, date_from=filters.date_from,
                                                        date_to=filters.date_to)]
        return Chart("payments-by-supplier", _("Payments per supplier"), _("Supplier"),
                     [_("Net paid"), _("To the supplier"), _("From the supplier"), _("Payments")], rows,
                     kind="table", formats=(MONEY, MONEY, MONEY, INT))

    def get_export_tables(self, filters):
        tables = super().get_export_tables(filters)
        waiting = tables["awaiting-statements"]
        waiting.count = selectors.statements_awaiting(supplier=filters.supplier).count()
        waiting.rows = ([s.number, s.supplier.name, *values] for s, values in self._awaiting_rows(filters))
        waiting.headers = [_("Statement"), _("Supplier"), _("State"), *waiting.headers[1:]]
        return tables


def _month_end(first):
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
