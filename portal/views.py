"""The supplier's pages. Every view derives from PortalView: it is marked for supplier logins (and for
internal users holding portal.view_as_supplier, who see a chosen supplier's portal read-only: their POSTs
are refused), and it sets `self.supplier` from portal.selectors.supplier_of before anything else runs."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.access import Access
from core.forms import add_service_errors
from notifications.selectors import unread_count
from orders.deadlines import DeadlineLevel
from shipments.deadlines import late_drop_ships

from . import selectors, services, statement_selectors, ticket_selectors
from .forms import DispatchForm
from .navigation import PORTAL_INBOX, PORTAL_MENU

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
        user = self.request.user
        # The supplier login's own inbox (counted when the header shows it); none when viewing as a supplier.
        inbox = None if self.read_only else (PORTAL_INBOX, SimpleLazyObject(lambda: unread_count(user)))
        return super().get_context_data(supplier=self.supplier, read_only=self.read_only,
                                        portal_menu=PORTAL_MENU, portal_inbox=inbox, **kwargs)


class HomeView(PortalView):
    """What needs doing: drop-ships to dispatch, deadlines, statements to confirm, tickets to answer."""

    template_name = "portal/home.html"
    opens_untied = True

    def get_context_data(self, **kwargs):
        if self.supplier is None:
            return super().get_context_data(**kwargs)
        supplier = self.supplier
        to_dispatch = selectors.drop_ships_to_dispatch(supplier)
        late = list(late_drop_ships(supplier=supplier)[:20])
        to_answer = statement_selectors.statements_to_answer(supplier)
        tickets = ticket_selectors.tickets_to_answer(supplier)
        return super().get_context_data(
            to_dispatch=to_dispatch[:10], to_dispatch_count=to_dispatch.count(),
            late=late, overdue_count=sum(1 for s in late if s.deadline == DeadlineLevel.OVERDUE),
            statements_to_answer=to_answer[:10], tickets_to_answer=tickets[:10], **kwargs)


class DropShipListView(PortalView):
    template_name = "portal/dropship_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(shipments=selectors.drop_ships(self.supplier)[:200], **kwargs)


class DropShipDetailView(PortalView):
    """A drop-ship's recipient and lines (SKU, name, quantity, the supplier's own unit price: never the
    seller's prices), and, while it waits, the dispatch form (carrier + tracking no.)."""

    template_name = "portal/dropship_detail.html"

    def get_context_data(self, **kwargs):
        shipment = selectors.drop_ship(self.supplier, self.kwargs["pk"])
        if shipment.state == "approved" and "form" not in kwargs:
            kwargs["form"] = DispatchForm()
        return super().get_context_data(shipment=shipment, **kwargs)

    def post(self, request, *args, **kwargs):
        shipment = selectors.drop_ship(self.supplier, kwargs["pk"])  # 404 before reading the form
        form = DispatchForm(request.POST)
        if form.is_valid():
            try:
                services.dispatch_drop_ships(self.supplier, [(shipment.pk, form.cleaned_data["carrier"],
                                                              form.cleaned_data["tracking_number"])],
                                             actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except (PermissionDenied, TransitionNotAllowed, ConcurrentTransition) as exc:
                form.add_error(None, str(exc) or _("Someone else changed this drop-ship first. Reload the page."))
            else:
                messages.success(request, _("Drop-ship %(no)s dispatched.") % {"no": shipment.number})
                return redirect("portal:dropship_detail", pk=shipment.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


@require_POST
def view_as(request, supplier_pk):
    """An internal user with portal.view_as_supplier opens the portal as this supplier (read-only).
    A POST: it remembers the choice in the session, and no GET writes anything."""
    selectors.supplier_of(request.user, viewing_as=supplier_pk)  # 404 / 403 before remembering anything
    request.session[VIEW_AS_SESSION_KEY] = supplier_pk
    messages.info(request, _("You are viewing the supplier portal as this supplier, read-only."))
    return redirect("portal:home")


view_as.permission_required = (selectors.VIEW_AS_PERMISSION,)
