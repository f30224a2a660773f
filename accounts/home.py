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


def work_queues_for(user):
    roles = [role for role in QUEUE_TITLES if user.is_superuser or user.has_role(role)]
    queues = []
    for role in roles:
        queue = WorkQueue(role=role, title=QUEUE_TITLES[role][0], empty_text=QUEUE_TITLES[role][1])
        if role in QUEUE_ROWS:
            rows_for, queue.link_name = QUEUE_ROWS[role]
            queue.rows = rows_for(user)
        queues.append(queue)
    return queues
