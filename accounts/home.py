"""The home page's work queues, per role. Each queue is a title, a hint and the rows waiting for that
role; the flows of later issues plug their selectors in here."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .roles import Role


@dataclass
class WorkQueue:
    role: str
    title: str
    empty_text: str
    rows: list = field(default_factory=list)
    link_name: str | None = None
    more: list = field(default_factory=list)  # further queues of the same role (EXTRA_QUEUES)


QUEUE_TITLES = {
    Role.SALES: (_("Orders awaiting shipment"), _("No order is waiting for a shipment.")),
    Role.APPROVER: (_("Waiting for your approval"), _("Nothing is waiting for approval.")),
    Role.WAREHOUSE: (_("Dispatch queue"), _("No approved company dispatch is waiting.")),
    Role.FINANCE: (_("Statements in progress"), _("No statement is in progress.")),
    Role.FINANCE_SUPERVISOR: (_("Statements to approve"), _("No statement is waiting for approval.")),
    Role.MANAGER: (_("Reports"), _("Dashboards arrive with the reports issue.")),
}


def _orders_awaiting_shipment(user):
    # A page may read a higher layer's selectors (DESIGN.md); imported here so accounts stays below.
    from orders.selectors import orders_awaiting_shipment_for

    return orders_awaiting_shipment_for(user)


def _shipments_awaiting_approval(user):
    """Submitted shipments the user may approve: never their own entries (maker-checker)."""
    from shipments.selectors import shipments_awaiting_approval_for

    return [f"{s.number} · {s.order.external_order_no} · {s.entered_by}" for s in shipments_awaiting_approval_for(user)]


# role → (rows for the user, URL name of the full list)
QUEUE_ROWS = {Role.SALES: (_orders_awaiting_shipment, "orders:order_list")}
QUEUE_ROWS[Role.APPROVER] = (_shipments_awaiting_approval, "shipments:shipment_list")


def _statement_rows(statements):
    return [f"{s.number} · {s.supplier} · {s.total} · {s.get_state_display()}" for s in statements]


def _statements_in_progress(user):
    from reconciliation.selectors import statements_in_progress

    return _statement_rows(statements_in_progress())


def _statements_to_approve(user):
    """Submitted statements the supervisor may approve: never those they built (maker-checker)."""
    from reconciliation.selectors import statements_awaiting_approval

    return _statement_rows(statements_awaiting_approval(user))


QUEUE_ROWS[Role.FINANCE] = (_statements_in_progress, "reconciliation:statement_list")
QUEUE_ROWS[Role.FINANCE_SUPERVISOR] = (_statements_to_approve, "reconciliation:statement_list")


def _ticket_row(ticket):
    overdue = " · " + str(_("overdue")) if ticket.is_overdue else ""
    return f"{ticket.number} · {ticket.order.external_order_no} · {ticket.get_type_display()} · " \
           f"{ticket.get_state_display()} · {ticket.age_days}d{overdue}"


def _my_open_tickets(user):
    """The handler's open after-sales tickets, oldest first, overdue ones marked."""
    from aftersales.selectors import open_tickets_for_handler

    return [_ticket_row(t) for t in open_tickets_for_handler(user)]


def _tickets_to_approve(user):
    """Submitted after-sales tickets the approver may decide: never those they registered."""
    from aftersales.selectors import tickets_awaiting_approval

    return [_ticket_row(t) for t in tickets_awaiting_approval(user)]


def _returns_to_receive(user):
    from aftersales.selectors import returns_awaiting_receipt

    return [_ticket_row(t) for t in returns_awaiting_receipt()]


# Further queues of a role, shown in its card under the main one: (role, title, empty text, rows for the user, list URL name).
EXTRA_QUEUES = [
    (Role.SALES, _("My open after-sales tickets"), _("No open after-sales ticket."), _my_open_tickets,
     "aftersales:ticket_list"),
    (Role.APPROVER, _("After-sales tickets to approve"), _("No after-sales ticket is waiting for approval."),
     _tickets_to_approve, "aftersales:ticket_list"),
    (Role.WAREHOUSE, _("Returns to receive"), _("No return is expected."), _returns_to_receive,
     "aftersales:ticket_list"),
]


def work_queues_for(user):
    roles = [role for role in QUEUE_TITLES if user.is_superuser or user.has_role(role)]
    queues = []
    for role in roles:
        queue = WorkQueue(role=role, title=QUEUE_TITLES[role][0], empty_text=QUEUE_TITLES[role][1])
        if role in QUEUE_ROWS:
            rows_for, queue.link_name = QUEUE_ROWS[role]
            queue.rows = rows_for(user)
        queues.append(queue)
        for extra_role, title, empty_text, rows_for, link_name in EXTRA_QUEUES:
            if extra_role == role:  # shown inside the role's card, under its main queue
                queue.more.append(WorkQueue(role=role, title=title, empty_text=empty_text, rows=rows_for(user),
                                            link_name=link_name))
    return queues
