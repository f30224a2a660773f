import pytest
from django.test import Client

from accounts.tokens import create_token


@pytest.fixture
def api_client(make_user):
    """api_client("manager") → (client sending that user's fresh token, user)."""

    def make(*roles, user=None):
        user = user or make_user(*roles)
        _token, key = create_token(user=user, name="tests", actor=user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}"), user

    return make
