"""The returnable quantity of an order line (DESIGN.md, "Order"): units dispatched on its sale shipments
less the units on its other tickets that are not rejected and take goods back or send goods out (return
and refund, exchange, reship — `GOODS_TYPES`). A return, exchange or reship never exceeds it; the services
check it under the order's lock (at registration, on edit, at submit and at approval), so two tickets
competing for the last units cannot both pass. Refund-only and compensation tickets move no goods: they
are bounded by the ordered quantity and money alone (aftersales.ticket_data.validate_ticket_data)."""

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from orders.models import OrderLine
from shipments.selectors import dispatched_units_by_order_line

from .models import GOODS_TYPES, TicketLine, TicketState


def returnable_quantities(order, *, exclude_ticket=None):
    """{order line id: returnable quantity} for every line of `order` (an Order or its id); the units of
    `exclude_ticket` (the ticket being edited, submitted or approved) are not taken off."""
    order_id = getattr(order, "pk", order)
    dispatched = dispatched_units_by_order_line(order_id)
    taken = TicketLine.objects.filter(ticket__order_id=order_id, ticket__type__in=GOODS_TYPES).exclude(
        ticket__state=TicketState.REJECTED)
    if exclude_ticket is not None:
        taken = taken.exclude(ticket_id=getattr(exclude_ticket, "pk", exclude_ticket))
    taken = dict(taken.order_by().values("order_line_id").annotate(n=Sum("quantity"))
                 .values_list("order_line_id", "n"))
    line_ids = OrderLine.objects.filter(order_id=order_id).values_list("pk", flat=True)
    return {line_id: max(dispatched.get(line_id, 0) - (taken.get(line_id) or 0), 0) for line_id in line_ids}


class ReturnableExceeded(ValidationError):
    """A goods ticket's line asks for more than its returnable quantity. A ValidationError keyed `lines`
    (what the API answers); `by_line` {order line id: message} lets a form show each error on its line."""

    def __init__(self, by_line):
        self.by_line = dict(by_line)
        super().__init__({"lines": list(self.by_line.values())})


def check_returnable(ticket_type, order, lines, *, ticket=None):
    """Raise ReturnableExceeded when a line of a return, exchange or reship ticket exceeds its order line's
    returnable quantity. `lines` is [(order_line, quantity)]. Other types pass. Call it with the order row
    locked (select_for_update), so the figure cannot change before the caller writes."""
    if ticket_type not in GOODS_TYPES or not lines:
        return
    returnable = returnable_quantities(order, exclude_ticket=ticket)
    problems = {}
    for order_line, quantity in lines:
        allowed = returnable.get(order_line.pk, 0)
        if quantity > allowed:
            problems[order_line.pk] = _(
                "%(sku)s: %(q)d asked but only %(n)d returnable (units dispatched less those on other "
                "return, exchange or reship tickets).") % {"sku": order_line.product.sku, "q": quantity, "n": allowed}
    if problems:
        raise ReturnableExceeded(problems)
