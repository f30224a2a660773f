"""Saved views 自定义报表: who sees which, and every write (save, change, copy, delete, pin, unpin), each
with its audit row in the same transaction. A configuration is checked against the registry
(reports/datasets.py) here, whatever page or script calls, so an unknown dataset, dimension or measure
never reaches the database."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.roles import INTERNAL_ROLES
from core.audit import record_event

from .charts import THEME_NAMES
from .datasets import DATASETS, filter_fields, readable_datasets
from .filters import DashboardFilterForm
from .models import ChartType, Pin, SavedView

MAX_DIMENSIONS = MAX_MEASURES = 2


@dataclass
class ViewData:
    name: str
    dataset: str
    dimensions: list
    measures: list
    title: str = ""
    filters: dict = field(default_factory=dict)
    chart_type: str = ChartType.BAR
    theme: str = "default"
    roles: list = field(default_factory=list)  # role names (groups) the view is shared with


def check_view_data(data, *, actor):
    """ValidationError {field: [message]} unless every name is in the registry and the actor may read the
    dataset; returns the filters as they are stored (JSON: ids and ISO dates), checked by the shared filter
    form."""
    errors = {}
    dataset = DATASETS.get(data.dataset)
    if dataset is None or not dataset.readable_by(actor):
        raise ValidationError({"dataset": [_("Pick one of the datasets offered.")]})
    if not data.name.strip():
        errors["name"] = [_("Name the view.")]
    if not 1 <= len(data.dimensions) <= MAX_DIMENSIONS or len(set(data.dimensions)) != len(data.dimensions):
        errors["dimensions"] = [_("Pick one or two dimensions.")]
    elif any(name not in dataset.dimensions for name in data.dimensions):
        errors["dimensions"] = [_("That dimension is not part of this dataset.")]
    if not 1 <= len(data.measures) <= MAX_MEASURES or len(set(data.measures)) != len(data.measures):
        errors["measures"] = [_("Pick one or two measures.")]
    elif any(name not in dataset.measures for name in data.measures):
        errors["measures"] = [_("That measure is not part of this dataset.")]
    if data.chart_type not in ChartType.values:
        errors["chart_type"] = [_("Pick one of the chart types offered.")]
    if data.theme not in THEME_NAMES:
        errors["theme"] = [_("Pick one of the colour palettes offered.")]
    if any(role not in INTERNAL_ROLES for role in data.roles):
        errors["roles"] = [_("A view is shared with internal roles only.")]
    allowed = filter_fields(dataset)
    unknown = set(data.filters) - set(allowed)
    form = DashboardFilterForm({k: v for k, v in data.filters.items() if v not in (None, "")}, only=allowed)
    if unknown or not form.is_valid():
        errors["filters"] = [_("These filters do not fit the dataset: %(names)s.") % {
            "names": ", ".join(sorted(unknown | set(form.errors))) or "—"}]
    if errors:
        raise ValidationError(errors)
    return {name: _stored(value) for name, value in form.cleaned_data.items() if value not in (None, "")}


def _stored(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return getattr(value, "pk", value)


PERIOD_FIELDS = ("period", "date_from", "date_to")


def view_filters(view, period=None):
    """The ReportFilters of a saved view: its stored filters read by the shared form (the default period if
    they no longer fit, e.g. a store since deleted), the period replaced by `period` ({period, date_from,
    date_to} as typed) when the reader picks another one."""
    data = dict(view.filters or {})
    if period and any(period.get(name) for name in PERIOD_FIELDS):
        for name in PERIOD_FIELDS:
            data.pop(name, None)
            if period.get(name):
                data[name] = period[name]
    return DashboardFilterForm(data or None, only=filter_fields(DATASETS[view.dataset])).filters()


def visible_views(user):
    """The saved views the user may open: their own and those shared with a role they hold, over a dataset
    they may read (a view of figures their dashboards hide is not known to exist)."""
    return SavedView.objects.filter(Q(owner=user) | Q(shared_with__in=user.groups.all()),
                                    dataset__in=readable_datasets(user)).distinct().select_related(
        "owner").order_by("name", "pk")


def visible_view(user, pk):
    """One saved view the user may open, else 404 (another role's view is not known to exist)."""
    return get_object_or_404(visible_views(user), pk=pk)


def own_view(user, pk, *, readable=True):
    """One of the user's own views (to change, or with readable=False to delete one over a dataset they may
    no longer read), else 404."""
    views = SavedView.objects.filter(owner=user)
    if readable:
        views = views.filter(dataset__in=readable_datasets(user))
    return get_object_or_404(views, pk=pk)


def _apply(view, data, filters):
    view.name, view.title, view.dataset = data.name.strip(), data.title.strip(), data.dataset
    view.dimensions, view.measures, view.filters = list(data.dimensions), list(data.measures), filters
    view.chart_type, view.theme = data.chart_type, data.theme


def _save(view, data, filters, *, actor, event):
    if not actor.has_perm("reports.add_savedview" if view.pk is None else "reports.change_savedview"):
        raise PermissionDenied
    _apply(view, data, filters)
    try:
        with transaction.atomic():
            view.save()
            view.shared_with.set(Group.objects.filter(name__in=data.roles))
            record_event(view, event=event, actor=actor, comment=view.name)
    except IntegrityError:
        raise ValidationError({"name": [_("You already have a view with that name.")]}) from None
    return view


def save_view(*, owner, data):
    """A new saved view of `owner`."""
    filters = check_view_data(data, actor=owner)
    return _save(SavedView(owner=owner), data, filters, actor=owner, event="create")


def change_view(view, *, actor, data):
    if view.owner_id != actor.pk:
        raise PermissionDenied
    filters = check_view_data(data, actor=actor)
    return _save(view, data, filters, actor=actor, event="edit")


def view_data(view):
    """The ViewData of a stored view (to edit or copy it)."""
    return ViewData(name=view.name, title=view.title, dataset=view.dataset, dimensions=list(view.dimensions),
                    measures=list(view.measures), filters=dict(view.filters or {}), chart_type=view.chart_type,
                    theme=view.theme, roles=[g.name for g in view.shared_with.all()])


def copy_view(view, *, actor):
    """A copy of a view the actor may see, owned by the actor, shared with nobody, named "… (copy n)"."""
    data = view_data(view)
    data.roles = []
    taken = set(SavedView.objects.filter(owner=actor, name__startswith=view.name).values_list("name", flat=True))
    n = 1
    while (name := _("%(name)s (copy %(n)s)") % {"name": view.name, "n": n}) in taken:
        n += 1
    data.name = name[:100]
    return save_view(owner=actor, data=data)


def delete_view(view, *, actor):
    if view.owner_id != actor.pk or not actor.has_perm("reports.delete_savedview"):
        raise PermissionDenied
    with transaction.atomic():
        record_event(view, event="delete", actor=actor, comment=view.name)
        view.delete()


def pin_view(view, *, user):
    """Pin a view the user may see to their home page (twice is once)."""
    with transaction.atomic():
        pin, created = Pin.objects.get_or_create(user=user, view=view)
        if created:
            record_event(view, event="pin", actor=user)
    return pin


def unpin_view(view, *, user):
    with transaction.atomic():
        if Pin.objects.filter(user=user, view=view).delete()[0]:
            record_event(view, event="unpin", actor=user)


def pinned_views(user):
    """The user's pinned views they may still see (a view unshared since stays pinned but hidden)."""
    visible = visible_views(user).values("pk")
    return [pin.view for pin in Pin.objects.filter(user=user, view__in=visible).select_related("view")
            .order_by("created_at", "pk")]
