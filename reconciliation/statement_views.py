"""Statement pages: list, new statement (pick supplier + period → open entries → build), statement
page with its actions and payments, XLSX export, PDF (rendered by Celery), supplier balance."""


from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm

from catalog.models import Supplier
from core import exporting
from core.parsing import parse_id
from core.pdf import request_pdf_job
from core.views import ConsignListView

from . import selectors, statements
from .descriptions import describe_entries
from .dispute_views import dispute_context
from .forms import BuildForm, ConfirmationForm, PaymentForm, ReasonForm, StatementScopeForm
from .models import EntryKind, Statement, StatementState
from .statement_filters import StatementFilter
from .statement_tables import StatementTable
from .statements import MAX_STATEMENT_ENTRIES, EntryFilters, StatementError

ENTRIES_PER_PAGE = 100


class StatementListView(ConsignListView):
    permission_required = "reconciliation.view_statement"
    model = Statement
    table_class = StatementTable
    filterset_class = StatementFilter
    title = gettext_lazy("Reconciliation statements")
    create_url_name = "reconciliation:statement_create"
    create_permission = "reconciliation.build_statement"
    export_filename = "statements"

    def get_queryset(self):
        return selectors.statement_list()


def _scope_query(data):
    keep = ("supplier", "period_from", "period_to", "kinds", "date_from", "date_to", "q")
    return urlencode([(k, v) for k in keep for v in data.getlist(k)], doseq=True)


class StatementCreateView(PermissionRequiredMixin, TemplateView):
    """GET: the scope form, and once it is valid the supplier's open entries (filters, pages, subtotals by
    kind, the server's total). POST: build the statement from the ticked entries or from "all N matching"
    (the server resolves those from the filters). `?statement=<pk>` adds to that draft instead."""

    permission_required = "reconciliation.build_statement"
    template_name = "reconciliation/statement_create.html"

    def target(self):
        pk = self.request.GET.get("statement") or self.request.POST.get("statement")
        if not pk:
            return None
        try:
            return get_object_or_404(Statement.objects.select_related("supplier"), pk=int(pk),
                                     state=StatementState.DRAFT)
        except ValueError as exc:
            raise Http404 from exc

    def scope(self, data):
        target = self.target()
        if target is not None:  # adding: the draft's supplier, period and kinds are fixed
            data = data.copy()
            data.setlist("supplier", [str(target.supplier_id)])
            data.setlist("period_from", [target.period_from.isoformat()])
            data.setlist("period_to", [target.period_to.isoformat()])
            data.setlist("kinds", target.kinds)
        if data.get("period_from") or data.get("period_to"):
            return StatementScopeForm(data), target
        # First visit (perhaps from a supplier's page with ?supplier=…): nothing to check yet.
        return StatementScopeForm(initial={"supplier": data.get("supplier")}), target

    def matching(self, form):
        d = form.cleaned_data
        qs = selectors.open_entries(supplier=d["supplier"], period_from=d["period_from"], period_to=d["period_to"],
                                    kinds=d["kinds"])
        return selectors.filter_entries(qs, date_from=d["date_from"], date_to=d["date_to"], q=d["q"])

    def get_context_data(self, **kwargs):
        form, target = kwargs.pop("form", None), None
        if form is None:
            form, target = self.scope(self.request.GET)
        else:
            target = self.target()
        context = super().get_context_data(form=form, target=target, max_entries=MAX_STATEMENT_ENTRIES, **kwargs)
        if form.is_bound and form.is_valid():
            qs = self.matching(form)
            totals = selectors.entry_totals(qs)
            page = Paginator(qs.select_related("source_type").order_by("entry_date", "id"), ENTRIES_PER_PAGE,
                             ).get_page(self.request.GET.get("page"))
            context.update(entries=page, totals=totals, subtotals=selectors.subtotals_by_kind(qs),
                           scope_query=_scope_query(self.request.GET) + (f"&statement={target.pk}" if target else ""))
        return context

    def post(self, request, *args, **kwargs):
        form, target = self.scope(request.POST)
        build = BuildForm(request.POST)
        if not form.is_valid() or not build.is_valid():
            messages.error(request, _("Correct the statement's supplier and period."))
            return self.render_to_response(self.get_context_data(form=form))
        d, b = form.cleaned_data, build.cleaned_data
        if b["select_all"]:
            ids, filters = None, EntryFilters(kinds=d["kinds"], date_from=d["date_from"], date_to=d["date_to"], q=d["q"])
        else:
            ids, filters = b["entry"], None
        try:
            if target is not None:
                statement = statements.add_entries(target, entry_ids=ids, filters=filters, actor=request.user)
            else:
                statement = statements.build_statement(
                    supplier=d["supplier"], period_from=d["period_from"], period_to=d["period_to"], kinds=d["kinds"],
                    entry_ids=ids, filters=filters, expected_count=b["expected_count"] if b["select_all"] else None,
                    note=b["note"], actor=request.user)
        except StatementError as exc:
            messages.error(request, str(exc))
            return redirect(f"{reverse('reconciliation:statement_create')}?{_scope_query(request.POST)}"
                            + (f"&statement={target.pk}" if target else ""))
        messages.success(request, _("%(statement)s: %(count)s entries, total %(total)s.") % {
            "statement": statement, "count": statement.entry_count, "total": statement.total})
        return redirect(statement.get_absolute_url())


def _may(statement, name, user):
    method = getattr(statement, name)
    return can_proceed(method) and has_transition_perm(method, user)


class StatementDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "reconciliation.view_statement"
    template_name = "reconciliation/statement_detail.html"

    def get_context_data(self, **kwargs):
        statement = get_object_or_404(selectors.statement_list().select_related(
            "submitted_by", "confirmed_by"), pk=self.kwargs["pk"])
        user = self.request.user
        entries = selectors.statement_entries(statement)
        page = Paginator(entries, ENTRIES_PER_PAGE).get_page(self.request.GET.get("page"))
        page.object_list = describe_entries(page.object_list)  # in the reader's language
        not_builder = statement.created_by_id != user.pk
        actions = {
            "submit": _may(statement, "submit", user),
            "approve": _may(statement, "approve", user) and not_builder,
            "reject": _may(statement, "reject", user) and not_builder,
            "void": _may(statement, "void", user),
            "confirm": _may(statement, "confirm", user),
            "pay": _may(statement, "pay", user) and statement.remaining > 0,
            "edit": statement.state == StatementState.DRAFT and user.has_perm("reconciliation.build_statement"),
        }
        return super().get_context_data(
            statement=statement, entries=page, subtotals=selectors.subtotals_by_kind(entries),
            months=selectors.subtotals_by_month(entries), payments=statement.payments.select_related("recorded_by"),
            actions=actions, reject_form=ReasonForm(auto_id="reject_%s"), void_form=ReasonForm(auto_id="void_%s"), confirmation_form=ConfirmationForm(),
            payment_form=PaymentForm(initial={"amount": statement.remaining}),
            awaiting_other_approver=statement.state == StatementState.SUBMITTED and not not_builder,
            **dispute_context(statement, user), **kwargs)


class StatementActionView(PermissionRequiredMixin, View):
    """POST one action; every refusal comes back as a message and writes nothing."""

    http_method_names = ["post"]
    form_class = None
    done = ""

    def post(self, request, pk):
        statement = get_object_or_404(Statement.objects.select_related("supplier"), pk=pk)
        form = self.form_class(request.POST) if self.form_class else None
        if form is not None and not form.is_valid():
            errors = "; ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                               for f, e in form.errors.items())
            messages.error(request, errors)
            return redirect(statement.get_absolute_url())
        try:
            self.run(statement, request.user, form.cleaned_data if form else {})
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(request, _("%(statement)s changed meanwhile (perhaps someone else just acted on it); "
                                      "nothing was done.") % {"statement": statement})
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
        except StatementError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.done % {"statement": statement})
        return redirect(statement.get_absolute_url())


class SubmitView(StatementActionView):
    permission_required = "reconciliation.submit_statement"
    done = gettext_lazy("%(statement)s submitted; the finance supervisors were notified.")

    def run(self, statement, user, data):
        statements.submit_statement(statement, actor=user)


class ApproveView(StatementActionView):
    permission_required = "reconciliation.approve_statement"
    done = gettext_lazy("%(statement)s approved; its entries are reconciled.")

    def run(self, statement, user, data):
        statements.approve_statement(statement, actor=user)
        if statement.state == StatementState.PAID:  # a zero total is settled at approval
            self.done = gettext_lazy("%(statement)s approved and settled: its total is zero, so nothing is "
                                     "to be paid.")


class RejectView(StatementActionView):
    permission_required = "reconciliation.reject_statement"
    form_class = ReasonForm
    done = gettext_lazy("%(statement)s rejected and sent back to draft.")

    def run(self, statement, user, data):
        statements.reject_statement(statement, reason=data["reason"], actor=user)


class VoidView(StatementActionView):
    permission_required = "reconciliation.void_statement"
    form_class = ReasonForm
    done = gettext_lazy("%(statement)s voided; its entries are open again.")

    def run(self, statement, user, data):
        statements.void_statement(statement, reason=data["reason"], actor=user)


class ConfirmView(StatementActionView):
    permission_required = "reconciliation.confirm_statement"
    form_class = ConfirmationForm
    done = gettext_lazy("Supplier confirmation of %(statement)s recorded.")

    def run(self, statement, user, data):
        statements.record_supplier_confirmation(statement, method=data["method"], note=data["note"],
                                              actor=user)


class PayView(StatementActionView):
    permission_required = "reconciliation.pay_statement"
    form_class = PaymentForm
    done = gettext_lazy("Payment on %(statement)s recorded.")

    def run(self, statement, user, data):
        statements.record_payment(statement, amount=data["amount"], paid_on=data["paid_on"],
                                method=data["method"], reference=data["reference"], actor=user)


class RemoveEntriesView(StatementActionView):
    permission_required = "reconciliation.build_statement"
    done = gettext_lazy("The ticked entries were taken off %(statement)s.")

    def run(self, statement, user, data):
        ids = [parse_id(i) for i in self.request.POST.getlist("entry") if parse_id(i)]
        if not ids:
            raise StatementError(_("Tick the entries to take off."))
        statements.remove_entries(statement, entry_ids=ids, actor=user)


EXPORT_HEADERS = [gettext_lazy("Entry"), gettext_lazy("Date"), gettext_lazy("Kind"), gettext_lazy("Description"),
                  gettext_lazy("Source"), gettext_lazy("Amount"), gettext_lazy("Reconciled on")]


def statement_export_rows(statement):
    kinds = dict(EntryKind.choices)
    for e in selectors.statement_entries(statement).iterator(chunk_size=2000):
        yield [e.pk, e.entry_date, str(kinds.get(e.kind, e.kind)), e.description,
               f"{e.source_type.app_label}.{e.source_type.model} #{e.source_id}", e.amount, e.reconciled_on]


class StatementExportView(PermissionRequiredMixin, View):
    """XLSX of every entry of the statement (no page limit; typed numbers and dates)."""

    permission_required = "reconciliation.view_statement"

    def get(self, request, pk):
        statement = get_object_or_404(Statement, pk=pk)
        return exporting.export_rows([str(h) for h in EXPORT_HEADERS], statement_export_rows(statement), "xlsx",
                                     filename=f"{statement.number}")


class StatementPdfView(PermissionRequiredMixin, View):
    """POST: queue the statement's PDF (rendered by Celery); the job page shows progress and the file."""

    permission_required = "reconciliation.view_statement"
    http_method_names = ["post"]

    def post(self, request, pk):
        statement = get_object_or_404(Statement, pk=pk)
        job = request_pdf_job(kind="statement", parameters={"statement": statement.pk}, actor=request.user)
        return redirect("core:job_detail", job.pk)


class SupplierBalanceView(PermissionRequiredMixin, TemplateView):
    """A supplier's balance: reconciled vs remaining per month (table + chart), statements, payments."""

    permission_required = "reconciliation.view_supplieraccountentry"
    template_name = "reconciliation/supplier_balance.html"

    def get_context_data(self, **kwargs):
        supplier = get_object_or_404(Supplier, pk=self.kwargs["pk"])
        months = selectors.supplier_balance_by_month(supplier)
        # static/js/charts.js draws it (ECharts): stacked bars, a month per category
        chart = {
            "type": "bar", "stack": True, "theme": "default",
            "categories": [m["month"].strftime("%Y-%m") for m in months],
            "urls": [],
            "series": [
                {"name": _("Reconciled"), "data": [float(m["reconciled"]) for m in months], "color": "#198754"},
                {"name": _("Remaining"), "data": [float(m["remaining"]) for m in months], "color": "#ffc107"},
            ],
        }
        from .models import StatementPayment

        return super().get_context_data(
            supplier=supplier, amounts=selectors.supplier_amounts(supplier), months=months,
            chart=chart,
            recent_entries=describe_entries(
                supplier.account_entries.select_related("statement", "source_type").prefetch_related("source")
                .order_by("-entry_date", "-id")[:10]),
            statements=selectors.statement_list().filter(supplier=supplier).order_by("-id")[:50],
            payments=StatementPayment.objects.filter(statement__supplier=supplier)
            .select_related("statement", "recorded_by").order_by("-paid_on", "-id")[:50],
            **kwargs)


