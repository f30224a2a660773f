"""The order page's "Cancel order" and "Close short" buttons post here: both actions cancel shipments, so
their views live in shipments beside their services (shipments.cancelling, shipments.closing); the order
page (orders) only shows the forms."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from orders.forms import CancelOrderForm, CloseShortForm
from orders.models import Order
from orders.services import live_ticket_refusal

from .cancelling import cancel_order
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


class OrderCancelView(PermissionRequiredMixin, View):
    permission_required = "orders.cancel_order"
    http_method_names = ["post"]

    def post(self, request, pk):
        order = get_object_or_404(Order, pk=pk)
        form = CancelOrderForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the order is cancelled."))
            return redirect(order)
        try:
            cancel_order(order, actor=request.user, reason=form.cleaned_data["reason"])
        except (TransitionNotAllowed, ConcurrentTransition):
            if Order.objects.get(pk=pk).has_live_aftersales_ticket:
                messages.error(request, live_ticket_refusal())
            else:
                messages.error(request, _("The order can no longer be cancelled: something was dispatched or "
                                          "someone else changed it. Reload and check."))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not cancel this order."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Order %(no)s cancelled.") % {"no": order.external_order_no})
        return redirect(order)
