"""Every API error has the same shape, so integrations handle them one way; conflicts are 409."""

import json

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.test import RequestFactory
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from config.api import api
from core.api import Conflict


def answer(exc):
    response = api.on_exception(RequestFactory().get("/api/v1/x"), exc)
    return response.status_code, json.loads(response.content)


def test_conflicts_are_409_with_a_sentence():
    status, body = answer(TransitionNotAllowed("Can't switch from state 'dispatched' using method 'approve'"))
    assert status == 409 and body["detail"].startswith("This cannot be done in the document's current state")
    assert answer(ConcurrentTransition("changed"))[0] == 409
    assert answer(IntegrityError("duplicate key"))[1] == {"detail": "This conflicts with an existing record."}
    assert answer(Conflict("Order 123 of this store exists already.")) == (
        409, {"detail": "Order 123 of this store exists already."})


def test_permission_denied_is_403():
    assert answer(PermissionDenied()) == (403, {"detail": "You do not have permission to do this."})
