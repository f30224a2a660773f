"""Finance's side of a disputed statement (the internal statement page): the contested lines with the
supplier's reasons, per line "post adjustment" (amount and reason; it corrects the disputed entry and lands
on the next statement) or "explain", and the statement's thread. Writes go through reconciliation.disputes."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from . import disputes
from .forms import AdjustmentForm, ExplanationForm, MessageForm
from .models import DisputedLine, Statement, StatementState
from .services import SupplierEntryError


def dispute_context(statement, user):
    """What the statement page shows of a dispute: the lines (with their answer forms while finance may
    answer), the thread and its form."""
    lines = list(statement.disputed_lines.select_related("entry", "adjustment", "raised_by", "answered_by")
                 .order_by("entry__entry_date", "entry_id"))
    may_answer = statement.state == StatementState.DISPUTED and user.has_perm("reconciliation.answer_dispute")
    for line in lines:
        if may_answer and not line.is_answered:
            line.adjustment_form = AdjustmentForm(auto_id=f"adj{line.pk}_%s")
            line.explanation_form = ExplanationForm(auto_id=f"exp{line.pk}_%s")
    return {
        "disputed_lines": lines,
        "may_answer": may_answer,
        "thread": statement.messages.select_related("author").order_by("created_at", "id"),
        "may_write": statement.is_approved and user.has_perm("reconciliation.answer_dispute"),
        "message_form": MessageForm(),
    }


class DisputeActionView(PermissionRequiredMixin, View):
    """POST one answer or message; a refusal comes back as a message next to nothing written."""

    permission_required = "reconciliation.answer_dispute"
    http_method_names = ["post"]
    form_class = None

    def post(self, request, pk, line=None):
        statement = get_object_or_404(Statement.objects.select_related("supplier"), pk=pk)
        disputed = get_object_or_404(DisputedLine, pk=line, statement=statement) if line is not None else None
        form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                                              for f, e in form.errors.items()))
            return redirect(statement.get_absolute_url())
        try:
            done = self.run(statement, disputed, request.user, form.cleaned_data)
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(request, _("%(statement)s changed meanwhile; nothing was done.") % {"statement": statement})
        except (SupplierEntryError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect(statement.get_absolute_url())


class AdjustView(DisputeActionView):
    form_class = AdjustmentForm

    def run(self, statement, line, user, data):
        line = disputes.answer_dispute_line(line, actor=user, adjustment_amount=data["amount"], reason=data["reason"])
        return _("Adjustment of %(amount)s posted for entry #%(entry)s; it lands on the next statement.") % {
            "amount": line.adjustment.amount, "entry": line.entry_id}


class ExplainView(DisputeActionView):
    form_class = ExplanationForm

    def run(self, statement, line, user, data):
        disputes.answer_dispute_line(line, actor=user, explanation=data["explanation"])
        return _("Explanation sent for entry #%(entry)s.") % {"entry": line.entry_id}


class MessageView(DisputeActionView):
    form_class = MessageForm

    def run(self, statement, line, user, data):
        disputes.post_statement_message(statement, actor=user, body=data["body"])
        return _("Message sent.")
