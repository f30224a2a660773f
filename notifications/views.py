"""The inbox: a person's own notifications, newest first; open one (marks it read), mark all read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.access import Access

from . import selectors, services
from .models import Notification


class InboxView(TemplateView):
    access = Access.INTERNAL
    template_name = "notifications/inbox.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        unread_only = self.request.GET.get("show") == "unread"
        notifications = selectors.inbox_for(self.request.user, unread_only=unread_only)
        page = Paginator(notifications, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(page_obj=page, unread_only=unread_only, **kwargs)


def _own(request, pk):
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


class OpenView(View):
    """Follow a notification's link, marking it read on the way."""

    access = Access.INTERNAL
    http_method_names = ["post"]

    def post(self, request, pk):
        notification = _own(request, pk)
        services.mark_read(notification, actor=request.user)
        link = notification.link
        if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
            return HttpResponseRedirect(link)
        return redirect("notifications:inbox")


class MarkReadView(View):
    access = Access.INTERNAL
    http_method_names = ["post"]

    def post(self, request, pk):
        notification = _own(request, pk)
        services.mark_read(notification, actor=request.user)
        if request.htmx:
            notification.refresh_from_db(fields=["read_at"])
            response = render(request, "notifications/_row.html", {"notification": notification})
            response["HX-Trigger"] = "notifications-changed"
            return response
        return redirect("notifications:inbox")


class MarkAllReadView(View):
    access = Access.INTERNAL
    http_method_names = ["post"]

    def post(self, request):
        count = services.mark_all_read(actor=request.user)
        if count:
            messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": count})
        return redirect("notifications:inbox")


class BadgeView(View):
    """The header's unread count, refreshed by htmx after a row is marked read."""

    access = Access.INTERNAL
    http_method_names = ["get"]

    def get(self, request):
        return render(request, "notifications/_badge.html",
                      {"unread_notifications": selectors.unread_count(request.user)})
