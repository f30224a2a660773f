"""The supplier user's inbox: its own notifications (notifications.selectors), newest first; opening one
marks it read and follows its link; "mark all read". Only the user's own rows: another's id is a 404.

For supplier logins only: an internal user viewing the portal as a supplier has its own inbox inside
Consign, so these pages declare no permission (and the middleware answers internal users as usual)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from notifications import selectors as inbox
from notifications import services as notification_services
from notifications.models import Notification

from .views import PortalView


class InboxPortalView(PortalView):
    permission_required = ()
    opens_untied = True  # a login not yet tied to a supplier still reads its own notifications


class InboxView(InboxPortalView):
    template_name = "portal/inbox.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        page = Paginator(inbox.inbox_for(self.request.user), self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(page_obj=page, **kwargs)


class OpenView(InboxPortalView):
    """Mark one of the user's notifications read and follow its link (back to the inbox without one)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        notification_services.mark_read(notification, actor=request.user)
        link = notification.link
        if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
            return HttpResponseRedirect(link)
        return redirect("portal:inbox")


class MarkAllReadView(InboxPortalView):
    http_method_names = ["post"]

    def post(self, request):
        count = notification_services.mark_all_read(actor=request.user)
        if count:
            messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": count})
        return redirect("portal:inbox")
