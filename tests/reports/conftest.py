"""One world per test module (tests/reports/world.py): built once inside a transaction that is rolled back at
the end of the module, so each test reads it (and its own writes roll back) without building it again."""

import pytest
from django.db import transaction

from tests.reports.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        made = build_world()
        yield made
        transaction.set_rollback(True)
