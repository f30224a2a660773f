"""Roles are Django groups named by these values. Who may run a transition is a permission named after it,
granted to groups by default by each app (`<app>/grants.py`, applied by accounts/grants.py; DESIGN.md,
"People"); an administrator may change grants in the admin afterwards."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES = "sales", _("Sales")
    APPROVER = "approver", _("Approver")
    WAREHOUSE = "warehouse", _("Warehouse")
    FINANCE = "finance", _("Finance")
    FINANCE_SUPERVISOR = "finance_supervisor", _("Finance supervisor")
    MANAGER = "manager", _("Manager")
    SUPPLIER = "supplier", _("Supplier")


INTERNAL_ROLES = frozenset(r.value for r in Role if r != Role.SUPPLIER)
