"""{% load aftersales %}{% order_tickets order %}: the after-sales section of a page of a lower layer (the
order page) — a page may read a higher layer's selectors (DESIGN.md); orders' code never imports us."""

from django import template

from aftersales.selectors import tickets_for_order

register = template.Library()


@register.inclusion_tag("aftersales/_order_tickets.html", takes_context=True)
def order_tickets(context, order):
    return {"order": order, "tickets": tickets_for_order(order), "perms": context.get("perms")}
