"""Pages of saved views 自定义报表: the list (mine and those shared with my roles), create and edit with
pickers, the view itself (chart, table, links), copy, delete (after a confirmation), pin and unpin.
Another person's view that is not shared with one of my roles answers 404, as if it did not exist."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.access import Access
from core.forms import add_service_errors

from . import saved_views
from .datasets import DATASET_CHOICES, DATASETS, readable_datasets, run_view
from .exports import DashboardExportMixin, chart_table
from .filters import DashboardFilterForm
from .forms import SavedViewForm, initial_of
from .models import Pin


class SavedViewListView(TemplateView):
    access = Access.INTERNAL
    template_name = "reports/view_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        views = list(saved_views.visible_views(user).prefetch_related("shared_with"))
        pinned = set(Pin.objects.filter(user=user).values_list("view_id", flat=True))
        return super().get_context_data(
            title=gettext_lazy("Saved views"), views=views, pinned=pinned,
            datasets=dict(DATASET_CHOICES), **kwargs)


class SavedViewDetailView(DashboardExportMixin, TemplateView):
    """The view's chart and table; `?_export=csv|xlsx&table=view` exports the table (reports/exports.py)."""

    access = Access.INTERNAL
    template_name = "reports/view_detail.html"

    @cached_property
    def saved_view(self):
        return saved_views.visible_view(self.request.user, self.kwargs["pk"])

    @cached_property
    def period_form(self):
        """The reader may look at another period; the view's other filters stay as saved."""
        saved = {k: v for k, v in (self.saved_view.filters or {}).items() if k in saved_views.PERIOD_FIELDS}
        data = {k: v for k, v in self.request.GET.items() if k in saved_views.PERIOD_FIELDS}
        return DashboardFilterForm(data or None, only=saved_views.PERIOD_FIELDS, initial=saved)

    def report_filters(self):
        form = self.period_form
        period = form.data if form.is_bound and form.is_valid() else None
        return saved_views.view_filters(self.saved_view, period)

    def export_tables(self):
        chart = run_view(self.saved_view, self.report_filters())
        return {chart.id: chart_table(chart)}

    def export_title(self, table):
        return str(self.saved_view)

    def export_filename(self, table):
        return slugify(self.saved_view.name) or f"saved-view-{self.saved_view.pk}"

    def get_context_data(self, **kwargs):
        view = self.saved_view
        filters = self.report_filters()
        return super().get_context_data(
            title=str(view), view=view, form=self.period_form, filters=filters, charts=self.add_export_links([run_view(view, filters)]),
            dataset=DATASETS[view.dataset], is_owner=view.owner_id == self.request.user.pk,
            pinned=Pin.objects.filter(user=self.request.user, view=view).exists(), **kwargs)


class _ViewFormMixin:
    template_name = "reports/view_form.html"

    def dataset(self):
        """The dataset picked, if the user may read it (None otherwise); the first readable one by default."""
        readable = readable_datasets(self.request.user)
        if not readable:
            raise PermissionDenied  # nothing to build a view over
        name = self.request.POST.get("dataset") or self.request.GET.get("dataset") or readable[0]
        return DATASETS[name] if name in readable else None

    def render_form(self, form, status=200):
        readable = readable_datasets(self.request.user)
        datasets = [(name, label) for name, label in DATASET_CHOICES if name in readable]
        return self.render_to_response(self.get_context_data(
            form=form, dataset=form.dataset, datasets=datasets, title=self.title), status=status)

    def save(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        dataset = self.dataset()
        if dataset is None:
            messages.error(request, _("Pick one of the datasets offered."))
            return redirect(request.path)
        form = SavedViewForm(request.POST, dataset=dataset)
        if form.is_valid():
            try:
                view = self.save(form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved view “%(name)s” saved.") % {"name": view.name})
                return redirect(view.get_absolute_url())
        return self.render_form(form, status=400)


class SavedViewCreateView(PermissionRequiredMixin, _ViewFormMixin, TemplateView):
    permission_required = "reports.add_savedview"
    title = gettext_lazy("New saved view")

    def get(self, request, *args, **kwargs):
        dataset = self.dataset()
        if dataset is None:
            return redirect(request.path)
        return self.render_form(SavedViewForm(dataset=dataset, initial={"chart_type": "bar", "theme": "default"}))

    def save(self, form):
        return saved_views.save_view(owner=self.request.user, data=form.view_data())


class SavedViewEditView(PermissionRequiredMixin, _ViewFormMixin, TemplateView):
    permission_required = "reports.change_savedview"
    title = gettext_lazy("Edit saved view")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.view = None

    def dataset(self):
        return DATASETS[self.object().dataset]  # the dataset of a saved view stays; copy it to change it

    def object(self):
        if self.view is None:
            self.view = saved_views.own_view(self.request.user, self.kwargs["pk"])
        return self.view

    def get(self, request, *args, **kwargs):
        view = self.object()
        return self.render_form(SavedViewForm(dataset=DATASETS[view.dataset],
                                              initial=initial_of(saved_views.view_data(view))))

    def get_context_data(self, **kwargs):
        return super().get_context_data(view=self.object(), **kwargs)

    def save(self, form):
        return saved_views.change_view(self.object(), actor=self.request.user, data=form.view_data())


class SavedViewCopyView(PermissionRequiredMixin, View):
    permission_required = "reports.add_savedview"
    http_method_names = ["post"]

    def post(self, request, pk):
        copy = saved_views.copy_view(saved_views.visible_view(request.user, pk), actor=request.user)
        messages.success(request, _("Copied as “%(name)s”.") % {"name": copy.name})
        return redirect(reverse("reports:view_edit", args=[copy.pk]))


class SavedViewDeleteView(PermissionRequiredMixin, TemplateView):
    permission_required = "reports.delete_savedview"
    template_name = "reports/view_delete.html"

    def get_context_data(self, **kwargs):
        view = saved_views.own_view(self.request.user, self.kwargs["pk"], readable=False)
        return super().get_context_data(view=view, **kwargs)

    def post(self, request, pk):
        view = saved_views.own_view(request.user, pk, readable=False)
        saved_views.delete_view(view, actor=request.user)
        messages.success(request, _("Saved view “%(name)s” deleted.") % {"name": view.name})
        return redirect("reports:view_list")


class SavedViewPinView(View):
    access = Access.INTERNAL
    http_method_names = ["post"]
    pin = True

    def post(self, request, pk):
        view = saved_views.visible_view(request.user, pk)
        if self.pin:
            saved_views.pin_view(view, user=request.user)
        else:
            saved_views.unpin_view(view, user=request.user)
        target = request.POST.get("next")
        return redirect(target if target in (reverse("reports:home"), reverse("reports:view_list"))
                        else view.get_absolute_url())
