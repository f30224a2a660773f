"""Shipment test fixtures: the API client of tests/api."""

from tests.api.conftest import api_client  # noqa: F401
