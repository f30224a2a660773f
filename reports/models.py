"""Saved views 自定义报表 and who pinned them. The dashboard permissions hang on SavedView's Meta: reports
has no other table, and a permission needs a content type."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ChartType(models.TextChoices):
    BAR = "bar", _("Bar")
    LINE = "line", _("Line")
    PIE = "pie", _("Pie")
    TABLE = "table", _("Table")
    NUMBER = "number", _("Number card")


class SavedView(models.Model):
    """A manager's configuration of a dataset (reports/datasets.py): which dimensions, measures and filters,
    drawn how. It holds names from the registry only, never a query, and is checked against it on save."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                              related_name="saved_views")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=200, blank=True)
    dataset = models.CharField(_("dataset"), max_length=40)
    dimensions = models.JSONField(_("dimensions"), default=list)
    measures = models.JSONField(_("measures"), default=list)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    chart_type = models.CharField(_("chart type"), max_length=10, choices=ChartType.choices, default=ChartType.BAR)
    theme = models.CharField(_("colour palette"), max_length=30, default="default")
    # Roles are groups (accounts.roles): a view shared with a role is seen by everyone holding it.
    shared_with = models.ManyToManyField("auth.Group", verbose_name=_("shared with roles"), blank=True,
                                         related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="reports_savedview_owner_name_uniq"),
        ]
        permissions = [
            ("view_shipping_dashboard", _("Can view the shipping statistics dashboard")),
            ("view_monitoring_dashboard", _("Can view the dispatch monitoring dashboard")),
            ("view_aftersales_dashboard", _("Can view the after-sales analysis dashboard")),
            ("view_inventory_dashboard", _("Can view the inventory analysis dashboard")),
            ("view_reconciliation_dashboard", _("Can view the reconciliation dashboard")),
            ("view_scorecard_dashboard", _("Can view the supplier scorecard dashboard")),
        ]

    def __str__(self):
        return self.title or self.name

    def get_absolute_url(self):
        return reverse("reports:view_detail", args=[self.pk])


class Pin(models.Model):
    """A saved view on a user's home page; anyone who may see a view (its owner, or a role it is shared
    with) may pin it for themselves."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="pinned_views")
    view = models.ForeignKey(SavedView, verbose_name=_("saved view"), on_delete=models.CASCADE, related_name="pins")
    created_at = models.DateTimeField(_("pinned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pinned view")
        verbose_name_plural = _("pinned views")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "view"], name="reports_pin_user_view_uniq")]

    def __str__(self):
        return f"{self.user} · {self.view}"
