from django import template

from reconciliation.selectors import reconciliation_status_for

register = template.Library()


@register.simple_tag
def reconciliation_status(source):
    """{% reconciliation_status shipment as status %} → {"reconciled": bool, "date": date|None}."""
    reconciled, on = reconciliation_status_for(source)
    return {"reconciled": reconciled, "date": on}
