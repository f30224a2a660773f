"""The home page's work queues, per role: one table (QUEUES) of what waits for each role, each row a
link to the document. The first queue of a role heads its card; further ones sit under it.

It lives on a top floor (reports, DESIGN.md): it reads every domain app's selectors, and nothing imports it,
so accounts stays infrastructure below every domain app."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from aftersales.selectors import open_tickets_for_handler, returns_awaiting_receipt, tickets_awaiting_approval
from orders.selectors import orders_awaiting_shipment_for
from reconciliation.selectors import statements_awaiting_approval, statements_in_progress
from shipments.selectors import shipments_awaiting_approval_for, shipments_awaiting_dispatch


@dataclass
class QueueRow:
    text: str
    url: str


@dataclass
class WorkQueue:
    role: str
    title: str
    empty_text: str
    rows: list = field(default_factory=list)
    link_name: str | None = None
    more: list = field(default_factory=list)  # further queues of the same role
    link_query: str = ""  # a filter of the full list ("?state=…"), after the URL of `link_name`


def _order_text(o):
    return f"{o.external_order_no} · {o.store} · {o.recipient_name}"


def _shipment_text(s):
    return f"{s.number} · {s.order.external_order_no} · {s.entered_by}"


def _dispatch_text(s):
    return f"{s.number} · {s.order.external_order_no} · {s.warehouse} · {s.get_state_display()}"


def _statement_text(s):
    return f"{s.number} · {s.supplier} · {s.total} · {s.get_state_display()}"


def _ticket_text(ticket):
    overdue = " · " + str(_("overdue")) if ticket.is_overdue else ""
    return (f"{ticket.number} · {ticket.order.external_order_no} · {ticket.get_type_display()} · "
            f"{ticket.get_state_display()} · {ticket.age_days}d{overdue}")


# (role, title, empty text, the user's documents, how a row reads, URL name of the full list [+ "?filter"]) —
# in card order. Queues of approvals never show the user's own documents (maker-checker); the handler's
# tickets are oldest first, overdue ones marked.
QUEUES = [
    (Role.SALES, _("Orders awaiting shipment"), _("No order is waiting for a shipment."),
     orders_awaiting_shipment_for, _order_text, "orders:order_list"),
    (Role.SALES, _("My open after-sales tickets"), _("No open after-sales ticket."),
     open_tickets_for_handler, _ticket_text, "aftersales:ticket_list"),
    (Role.APPROVER, _("Waiting for your approval"), _("Nothing is waiting for approval."),
     shipments_awaiting_approval_for, _shipment_text, "shipments:approval_queue"),
    (Role.APPROVER, _("After-sales tickets to approve"), _("No after-sales ticket is waiting for approval."),
     tickets_awaiting_approval, _ticket_text, "aftersales:ticket_list"),
    (Role.WAREHOUSE, _("Dispatch queue"), _("No approved company dispatch is waiting."),
     lambda user: shipments_awaiting_dispatch()[:10], _dispatch_text, "shipments:queue"),
    (Role.WAREHOUSE, _("Returns to receive"), _("No return is expected."),
     lambda user: returns_awaiting_receipt(), _ticket_text, "aftersales:ticket_list?state=awaiting_return"),
    (Role.FINANCE, _("Statements in progress"), _("No statement is in progress."),
     lambda user: statements_in_progress(), _statement_text, "reconciliation:statement_list"),
    (Role.FINANCE_SUPERVISOR, _("Statements to approve"), _("No statement is waiting for approval."),
     statements_awaiting_approval, _statement_text, "reconciliation:statement_list"),
    (Role.MANAGER, _("Reports"), _("Shipping, after-sales, inventory, reconciliation and supplier dashboards."),
     None, None, "reports:index"),
]


def work_queues_for(user):
    cards = {}
    for role, title, empty_text, documents_for, describe, link_name in QUEUES:
        if not (user.is_superuser or user.has_role(role)):
            continue
        link_name, _sep, query = (link_name or "").partition("?")
        rows = [QueueRow(describe(doc), doc.get_absolute_url()) for doc in documents_for(user)] if documents_for else []
        queue = WorkQueue(role=role, title=title, empty_text=empty_text, link_name=link_name or None,
                          link_query=f"?{query}" if query else "", rows=rows)
        if role in cards:
            cards[role].more.append(queue)
        else:
            cards[role] = queue
    return list(cards.values())
