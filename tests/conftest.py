"""Shared fixtures. Suites: SQLite always; PostgreSQL (`postgres` marker: races, triggers) and the real
Celery worker (`worker` marker) in the PostgreSQL pass; Chromium (`browser` marker) in the SQLite pass.
Under CI=true a missing PostgreSQL, Redis or Chromium fails the test instead of skipping it."""

import os
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation

from tests.factories import UserFactory
from tests.worker_support import _celery_worker_session, celery_worker_process, restore_roles  # noqa: F401

# Browser fixtures (page, phone_page, browser) for any test; browser tests get the `browser` marker.
pytest_plugins = ["tests.browser.fixtures"]

CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason):
    if CI:
        pytest.fail(f"{reason} (CI=true: a missing service fails the run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request of an earlier test may have activated a
    person's own (accounts.middleware) in this thread, and services called directly would speak it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _service_markers(request):
    marker_names = {m.name for m in request.node.iter_markers()}
    if marker_names & {"postgres", "worker"} and connection.vendor != "postgresql":
        # Deselected by `make test`'s SQLite pass; reaching here means pytest was run by hand.
        skip_or_fail("needs PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture(autouse=True)
def _roles_in_transactional_tests(request):
    """Transactional tests (races, live server, worker) run after a flush that also emptied what the data
    migrations wrote: put the role groups and their default grants back before each of them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames))
    if transactional:
        request.getfixturevalue("transactional_db")
        restore_roles()


@pytest.fixture
def make_user(db):
    """make_user("sales", "approver") → a user holding those roles (password 'demo')."""

    def make(*roles, **kwargs):
        return UserFactory(roles=roles, **kwargs)

    return make


# ---- reporting: how many tests ran on which database and suite ------------------------------------
_outcomes = Counter()


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        kinds = [m for m in ("browser", "worker", "postgres") if m in report.keywords] or ["plain"]
        for kind in kinds:
            _outcomes[(kind, report.outcome)] += 1


def pytest_terminal_summary(terminalreporter):
    run = os.environ.get("CONSIGN_TEST_RUN", connection.vendor if connection else "?")
    parts = []
    for kind in ("plain", "postgres", "worker", "browser"):
        passed, failed, skipped = (_outcomes[(kind, o)] for o in ("passed", "failed", "skipped"))
        if passed or failed or skipped:
            parts.append(f"{kind}: {passed} passed, {failed} failed, {skipped} skipped")
    terminalreporter.write_line(f"consign [{run}] " + "; ".join(parts or ["no tests"]))
