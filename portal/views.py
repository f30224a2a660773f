"""The supplier's pages. Every view derives from PortalView: it is marked for supplier logins (and for
internal users holding portal.view_as_supplier, who see a chosen supplier's portal read-only: their POSTs
are refused), and it sets `self.supplier` from portal.selectors.supplier_of before anything else runs."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.access import Access

from . import selectors
from .navigation import PORTAL_MENU

VIEW_AS_SESSION_KEY = "portal_view_as_supplier"


class PortalView(TemplateView):
    access = Access.SUPPLIER
    # Internal users reach the portal only with this permission, to see it as a supplier would.
    permission_required = (selectors.VIEW_AS_PERMISSION,)
    # The home alone opens for a supplier login tied to no supplier yet, to say so (every other page: 403).
    opens_untied = False

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        self.read_only = not user.is_supplier_user
        if self.read_only and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise PermissionDenied(_("Viewing the portal as a supplier is read-only."))
        try:
            self.supplier = selectors.supplier_of(user, viewing_as=request.session.get(VIEW_AS_SESSION_KEY))
        except PermissionDenied:
            if not (self.opens_untied and user.is_supplier_user):
                raise
            self.supplier = None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(supplier=self.supplier, read_only=self.read_only,
                                        portal_menu=PORTAL_MENU, **kwargs)


class HomeView(PortalView):
    """What needs doing: drop-ships to dispatch, deadlines, statements to confirm, tickets to answer."""

    template_name = "portal/home.html"
    opens_untied = True

    def get_context_data(self, **kwargs):
        if self.supplier is None:
            return super().get_context_data(**kwargs)
        to_dispatch = selectors.drop_ships_to_dispatch(self.supplier)
        return super().get_context_data(to_dispatch=to_dispatch[:10], to_dispatch_count=to_dispatch.count(),
                                        **kwargs)


class DropShipListView(PortalView):
    template_name = "portal/dropship_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(shipments=selectors.drop_ships(self.supplier)[:200], **kwargs)


def view_as(request, supplier_pk):
    """An internal user with portal.view_as_supplier opens the portal as this supplier (read-only)."""
    selectors.supplier_of(request.user, viewing_as=supplier_pk)  # 404 / 403 before remembering anything
    request.session[VIEW_AS_SESSION_KEY] = supplier_pk
    messages.info(request, _("You are viewing the supplier portal as this supplier, read-only."))
    return redirect("portal:home")


view_as.permission_required = (selectors.VIEW_AS_PERMISSION,)
