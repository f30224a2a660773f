"""The supplier's statements 对账单 in its portal: the list, one statement with its lines and total, confirm
it (after a confirmation dialog) or dispute lines (tick them, a reason each), the thread with finance, the
statement PDF; and the balance page (reconciled, remaining, paid, with the payments).

Every page derives from portal.views.PortalView (supplier logins; internal viewers read-only) and reads
through portal.statement_selectors, which start from `self.supplier`: another supplier's id is a 404.
Writes go through reconciliation.disputes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.parsing import parse_id
from core.pdf import render_pdf
from reconciliation import disputes
from reconciliation.descriptions import describe_entries
from reconciliation.documents import statement_context
from reconciliation.models import StatementState
from reconciliation.statements import StatementError

from . import statement_selectors as selectors
from .views import PortalView

LINES_PER_PAGE = 100


class StatementListView(PortalView):
    template_name = "portal/statements/list.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.statements(self.supplier), 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(statements=page, **kwargs)


class StatementDetailView(PortalView):
    """Lines and total; confirm or dispute while it awaits the supplier; the disputed lines with finance's
    answers; the thread."""

    template_name = "portal/statements/detail.html"

    def get_context_data(self, **kwargs):
        statement = selectors.statement(self.supplier, self.kwargs["pk"])
        entries = Paginator(selectors.statement_entries(self.supplier, statement), LINES_PER_PAGE).get_page(
            self.request.GET.get("page"))
        entries.object_list = describe_entries(entries.object_list)  # in the reader's language
        lines = list(selectors.disputed_lines(self.supplier, statement))
        open_lines = [line for line in lines if not line.is_answered]
        awaiting = statement.state == StatementState.APPROVED
        may_act = not self.read_only
        return super().get_context_data(
            statement=statement,
            entries=entries,
            disputed=lines, disputed_entry_ids={line.entry_id for line in lines},
            thread=selectors.thread(self.supplier, statement),
            may_dispute=may_act and awaiting,
            may_confirm=may_act and (awaiting or (statement.state == StatementState.DISPUTED and not open_lines)),
            waiting_for_answers=statement.state == StatementState.DISPUTED and bool(open_lines),
            may_write=may_act,
            **kwargs)


class StatementActionView(PortalView):
    """POST one action on one of the supplier's statements; a refusal comes back as a message and writes
    nothing."""

    http_method_names = ["post"]
    done = ""

    def post(self, request, pk):
        statement = selectors.statement(self.supplier, pk)
        try:
            self.run(statement, request)
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(request, _("%(statement)s changed meanwhile; nothing was done. Check it again.")
                           % {"statement": statement})
        except (StatementError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.done % {"statement": statement})
        return redirect("portal:statement_detail", statement.pk)


class ConfirmView(StatementActionView):
    def run(self, statement, request):
        self.done = _("You confirmed %(statement)s.")
        disputes.confirm_statement(statement, actor=request.user)


class DisputeView(StatementActionView):
    """The ticked lines (`dispute` = entry ids) with their reasons (`reason_<entry id>`)."""

    def run(self, statement, request):
        self.done = _("Your dispute of %(statement)s was sent to the seller's finance team.")
        ids = [parse_id(value) for value in request.POST.getlist("dispute")]
        if None in ids:
            raise StatementError(_("Tick lines of this statement only."))
        lines = [(entry_id, request.POST.get(f"reason_{entry_id}", "")) for entry_id in ids]
        disputes.dispute_statement(statement, actor=request.user, lines=lines,
                                   message=request.POST.get("message", ""))


class MessageView(StatementActionView):
    def run(self, statement, request):
        self.done = _("Message sent.")
        disputes.post_statement_message(statement, actor=request.user, body=request.POST.get("body", ""))


class StatementPdfView(PortalView):
    """The statement PDF, rendered in the reader's language for one of the supplier's own statements (the
    same document finance prints; one statement, so it is rendered here rather than queued as a job)."""

    def get(self, request, pk):
        statement = selectors.statement(self.supplier, pk)
        data = render_pdf("reconciliation/pdf/statement.html", statement_context(statement.pk))
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{statement.number}.pdf"'
        return response


class BalanceView(PortalView):
    """Reconciled, remaining and paid; the payments; adjustments waiting for the next statement."""

    template_name = "portal/statements/balance.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            amounts=selectors.balance(self.supplier), payments=selectors.payments(self.supplier)[:100],
            adjustments=selectors.open_adjustments(self.supplier)[:100],
            to_answer=selectors.statements_to_answer(self.supplier)[:20], **kwargs)
