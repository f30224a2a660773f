"""The key store behind `Idempotency-Key` (core/idempotency.py): what makes two requests "the same", which
keys are refused, and how long a key is kept."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import RequestFactory
from django.utils import timezone

from core.idempotency import delete_expired_keys, key_problem, request_fingerprint
from core.models import IdempotencyKey
from core.tasks import delete_expired_idempotency_keys
from tests.factories import UserFactory

rf = RequestFactory()


def json_post(path, body, **extra):
    return rf.post(path, body, content_type="application/json", **extra)


def test_the_same_json_in_another_spelling_is_the_same_request():
    one = json_post("/api/v1/stock/receipts", '{"a": 1, "lines": [{"q": 2.50}]}')
    same = json_post("/api/v1/stock/receipts", '{ "lines":[{"q":2.50}],\n "a":1 }')
    assert request_fingerprint(one) == request_fingerprint(same)


@pytest.mark.parametrize("other", [
    json_post("/api/v1/stock/receipts", '{"a": 1, "lines": [{"q": 2.5}]}'),  # a number written otherwise
    json_post("/api/v1/stock/receipts", '{"a": 2, "lines": [{"q": 2.50}]}'),  # another value
    json_post("/api/v1/stock/receipts/1/post", '{"a": 1, "lines": [{"q": 2.50}]}'),  # another endpoint
    json_post("/api/v1/stock/receipts?post=1", '{"a": 1, "lines": [{"q": 2.50}]}'),  # another query
    rf.put("/api/v1/stock/receipts", '{"a": 1, "lines": [{"q": 2.50}]}', content_type="application/json"),
])
def test_another_body_path_query_or_method_is_another_request(other):
    one = json_post("/api/v1/stock/receipts", '{"a": 1, "lines": [{"q": 2.50}]}')
    assert request_fingerprint(one) != request_fingerprint(other)


def test_a_body_that_is_not_json_is_compared_as_it_is():
    assert request_fingerprint(json_post("/x", "not json")) == request_fingerprint(json_post("/x", "not json"))
    assert request_fingerprint(json_post("/x", "not json")) != request_fingerprint(json_post("/x", "not json!"))
    deep = "[" * 100_000 + "]" * 100_000  # deeper than the JSON parser goes: still hashed, no error
    assert request_fingerprint(json_post("/x", deep))


def test_uploaded_files_are_part_of_the_request():
    def note(content):
        return rf.post("/api/v1/aftersales/tickets/1/notes",
                       {"text": "see photo", "files": SimpleUploadedFile("a.jpg", content, "image/jpeg")})

    request = note(b"\xff\xd8 one")
    digest = request_fingerprint(request)
    assert request.FILES["files"].read() == b"\xff\xd8 one"  # the file is left readable for the endpoint
    assert digest == request_fingerprint(note(b"\xff\xd8 one"))
    assert digest != request_fingerprint(note(b"\xff\xd8 two"))


@pytest.mark.parametrize("key, ok", [
    ("9f1c2f9e-3c4b-4d1e-9a55-0c8f7c1d2e3f", True), ("order-1001/retry", True), ("x" * 255, True),
    ("", False), ("   ", False), ("x" * 256, False), ("a\x00b", False), ("a\nb", False),
])
def test_which_keys_are_refused(key, ok):
    assert (key_problem(key) is None) == ok


@pytest.mark.django_db
def test_one_key_per_user_in_the_database():
    user, other = UserFactory(), UserFactory()
    IdempotencyKey.objects.create(user=user, key="k", request_hash="a" * 64, method="POST", path="/x")
    IdempotencyKey.objects.create(user=other, key="k", request_hash="a" * 64, method="POST", path="/x")
    with pytest.raises(IntegrityError):
        IdempotencyKey.objects.create(user=user, key="k", request_hash="b" * 64, method="POST", path="/y")


@pytest.mark.django_db
def test_keys_are_kept_a_day_then_the_periodic_task_deletes_them():
    user = UserFactory()
    now = timezone.now()

    def key(name, age):
        return IdempotencyKey.objects.create(user=user, key=name, request_hash="a" * 64, method="POST",
                                             path="/x", created_at=now - age)

    key("fresh", timedelta(minutes=5))
    key("almost-a-day", timedelta(hours=23, minutes=59))
    key("old", timedelta(hours=24, minutes=1))
    key("older", timedelta(days=30))

    assert delete_expired_keys(now=now) == 2
    assert sorted(IdempotencyKey.objects.values_list("key", flat=True)) == ["almost-a-day", "fresh"]
    assert delete_expired_idempotency_keys.apply().get() == 0  # the task, as beat runs it: nothing left to do

    schedule = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "core.tasks.delete_expired_idempotency_keys" in schedule
    assert settings.IDEMPOTENCY_KEY_HOURS >= 24
