"""The order page's "Close short" button posts here: the action cancels shipments, so its view lives in
shipments beside its service (shipments.closing); the order page (orders) only shows the form."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from orders.forms import CloseShortForm
from orders.models import Order

from .closing import close_order_short


class OrderCloseShortView(PermissionRequiredMixin, View):
    permission_required = "orders.close_order_short"
    http_method_names = ["post"]

    def post(self, request, pk):
        order = get_object_or_404(Order, pk=pk)
        form = CloseShortForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, _("Close short: %(error)s") % {"error": error})
            return redirect(order)
        try:
            order = close_order_short(order, actor=request.user, reason=form.cleaned_data["reason"])
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        except ConcurrentTransition:
            messages.error(request, _("Someone else changed this order at the same time; reload it and check."))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not close orders short."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Order %(no)s closed short: it is now %(status)s.")
                             % {"no": order.external_order_no, "status": order.get_fulfilment_status_display()})
        return redirect(order)
