"""Every portal read starts here: `supplier_of` names the one supplier whose records the user sees, and
each query below takes that supplier, never an id alone — another supplier's id simply is not in the
queryset (404). Pages and the supplier API call these; nothing here trusts a posted supplier."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from catalog.models import Supplier
from shipments.models import Shipment, ShipmentKind, ShipmentLine, ShipmentState

VIEW_AS_PERMISSION = "portal.view_as_supplier"


def supplier_of(user, *, viewing_as=None):
    """The supplier whose portal `user` sees. A supplier user sees its own (403 when its login is tied to
    none); an internal user holding portal.view_as_supplier sees `viewing_as` (a supplier id, read-only;
    404 when there is no such supplier); anybody else is refused (403)."""
    if not user.is_authenticated:
        raise PermissionDenied
    if user.is_supplier_user:
        supplier = Supplier.objects.filter(portal_users=user).first()
        if supplier is None:
            raise PermissionDenied(_("Your login is not tied to a supplier. Ask the seller to invite you again."))
        return supplier
    if viewing_as is not None and user.is_internal and user.has_perm(VIEW_AS_PERMISSION):
        return get_object_or_404(Supplier, pk=viewing_as)
    raise PermissionDenied(_("Choose a supplier to view the portal as."))


def drop_ships(supplier):
    """The supplier's drop-ships that have been approved (what it may see: nothing still in the seller's
    hands), newest first."""
    return (Shipment.objects.filter(supplier=supplier, kind=ShipmentKind.DROP_SHIP, approved_at__isnull=False)
            .select_related("order", "order__store", "carrier").order_by("-id"))


def drop_ships_to_dispatch(supplier):
    """Approved drop-ships waiting for the supplier's carrier + tracking no., oldest approval first."""
    return drop_ships(supplier).filter(state=ShipmentState.APPROVED).order_by("approved_at", "id")


def drop_ship(supplier, pk):
    """One of the supplier's drop-ships with its lines (404 for anybody else's)."""
    lines = ShipmentLine.objects.select_related("order_line", "order_line__product").order_by("id")
    return get_object_or_404(drop_ships(supplier).prefetch_related(Prefetch("lines", queryset=lines)), pk=pk)
