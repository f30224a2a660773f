"""accounts.backends.PermissionBackend: the same permissions as Django's ModelBackend (own, groups',
superuser, inactive, anonymous), read with the group names in one statement for a freshly loaded user."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import PermissionBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_the_permissions_are_djangos(settings):
    assert settings.AUTHENTICATION_BACKENDS == ["accounts.backends.PermissionBackend"]
    own = Permission.objects.get(content_type__app_label="catalog", codename="add_product")
    empty_group = Group.objects.create(name="nothing granted")
    people = [
        UserFactory(roles=("sales",)),
        UserFactory(roles=("approver", "warehouse")),
        UserFactory(roles=()),
        UserFactory(roles=("finance",), is_active=False),
        UserFactory(roles=(), is_superuser=True),
    ]
    people[2].user_permissions.add(own)
    people[0].user_permissions.add(own)
    people[2].groups.add(empty_group)
    for person in people:
        ours, django = PermissionBackend().get_all_permissions(fresh(person)), ModelBackend().get_all_permissions(fresh(person))
        assert ours == django, person
        user = fresh(person)
        assert user.get_all_permissions() == django
        assert user.role_names == frozenset(person.groups.values_list("name", flat=True))
    assert "catalog.add_product" in PermissionBackend().get_all_permissions(fresh(people[2]))
    assert PermissionBackend().get_all_permissions(AnonymousUser()) == set()
    assert PermissionBackend().get_all_permissions(fresh(people[0]), obj=people[1]) == set()


def test_a_fresh_user_pays_one_statement_for_permissions_and_roles():
    user = fresh(UserFactory(roles=("sales", "approver")))
    with CaptureQueriesContext(connection) as captured:
        assert user.has_perm("orders.add_order")
        assert not user.has_perm("reconciliation.approve_statement")
        assert user.has_perms(["orders.view_order", "shipments.view_shipment"])
        assert user.role_names == {"sales", "approver"}
        assert user.is_internal
    assert len(captured) == 1
