"""Notifications the reconciliation app sends (notifications/messages.py: rendered in each reader's
language)."""

from django.utils.translation import gettext_lazy as _

from notifications.messages import Message

STATEMENT_SUBMITTED = Message("reconciliation.statement_submitted",
                              _("Statement %(statement)s of %(supplier)s (%(total)s) awaits your approval"))
STATEMENT_APPROVED = Message("reconciliation.statement_approved", _("Statement %(statement)s was approved"))
STATEMENT_SETTLED = Message("reconciliation.statement_settled",
                            _("Statement %(statement)s was approved and settled (its total is zero)"))
STATEMENT_REJECTED = Message("reconciliation.statement_rejected", _("Statement %(statement)s was rejected"),
                             "%(reason)s")

# A statement's dispute (reconciliation.disputes): the supplier's users are asked to confirm, finance hears of
# a dispute, the supplier of each answer, both sides of a message on the thread.
STATEMENT_AWAITING_CONFIRMATION = Message("reconciliation.statement_awaiting_confirmation",
                                          _("Statement %(statement)s (%(total)s) awaits your confirmation"))
STATEMENT_CONFIRMED = Message("reconciliation.statement_confirmed",
                              _("%(supplier)s confirmed statement %(statement)s"))
STATEMENT_DISPUTED = Message("reconciliation.statement_disputed",
                             _("%(supplier)s disputes %(count)s lines of statement %(statement)s"), "%(message)s")
DISPUTE_ANSWERED = Message("reconciliation.dispute_answered",
                           _("Finance answered your dispute of entry #%(entry)s on %(statement)s"), "%(answer)s")
DISPUTE_ALL_ANSWERED = Message(
    "reconciliation.dispute_all_answered",
    _("Every disputed line of %(statement)s is answered (last: entry #%(entry)s): please confirm it"), "%(answer)s")
STATEMENT_MESSAGE = Message("reconciliation.statement_message", _("New message on statement %(statement)s"),
                            "%(message)s")
