"""Every default grant an app declares (<app>/grants.py) reaches its role after migrate. grant_default_permissions
skips codenames whose model an earlier migration does not have yet, so a mistyped codename would
otherwise vanish silently."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.grants import all_default_grants

pytestmark = pytest.mark.django_db

GRANTS = [(app, role, codename) for app, roles in all_default_grants().items()
          for role, codenames in roles.items() for codename in codenames]


def test_every_default_grant_names_a_real_permission_held_by_its_role():
    missing = [f"{role}: {app}.{codename}" for app, role, codename in GRANTS
               if not Group.objects.filter(name=role, permissions__content_type__app_label=app,
                                           permissions__codename=codename).exists()]
    assert not missing, "default grants not applied: " + ", ".join(missing)


# What a supplier login may do, and only in the portal (its selectors start from the user's supplier;
# internal pages and the internal API refuse every supplier login whatever it holds).
SUPPLIER_PORTAL_PERMISSIONS = {
    "shipments.dispatch_dropship_shipment",
    "aftersales.add_ticketnote",
    "reconciliation.supplier_confirm_statement",
    "reconciliation.dispute_statement",
}


def test_suppliers_hold_only_their_portal_permissions():
    held = {f"{app}.{codename}" for app, codename in Permission.objects.filter(group__name="supplier")
            .values_list("content_type__app_label", "codename")}
    assert held == SUPPLIER_PORTAL_PERMISSIONS
