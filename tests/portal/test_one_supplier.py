"""A supplier user is tied to one supplier: the database refuses a second, and so does the supplier form
(with a message, before the database has to)."""

import pytest
from django.db import IntegrityError, transaction

from catalog.forms import SupplierForm
from tests.factories import SupplierFactory

from .factories import supplier_user

pytestmark = pytest.mark.django_db


def test_the_database_holds_a_user_to_one_supplier():
    ours, theirs = SupplierFactory(), SupplierFactory()
    user = supplier_user(ours)
    with pytest.raises(IntegrityError), transaction.atomic():
        theirs.portal_users.add(user)
    assert list(user.supplier_accounts.all()) == [ours]


def test_the_supplier_form_refuses_another_suppliers_user():
    ours, theirs = SupplierFactory(), SupplierFactory()
    user = supplier_user(theirs, username="wang")
    form = SupplierForm(data={"name": ours.name, "code": ours.code, "kind": ours.kind,
                              "promised_dispatch_hours": 48, "portal_users": [user.pk], "is_active": True},
                        instance=ours)
    assert not form.is_valid()
    assert "another supplier" in form.errors["portal_users"][0] and "wang" in form.errors["portal_users"][0]
    own = SupplierForm(data={"name": theirs.name, "code": theirs.code, "kind": theirs.kind,
                             "promised_dispatch_hours": 48, "portal_users": [user.pk], "is_active": True},
                       instance=theirs)
    assert own.is_valid(), own.errors
    own.save()
    assert list(theirs.portal_users.all()) == [user]
