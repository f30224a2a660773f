"""Who may call the API: a valid, unrevoked token of an active user; errors say so in JSON."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import create_token, hash_key, revoke_token, user_for_key

PRODUCTS = "/api/v1/catalog/products/"


def test_without_a_token_the_answer_is_401(db):
    response = Client().get(PRODUCTS)
    assert response.status_code == 401
    assert response.json() == {"detail": "Send a valid API token: Authorization: Bearer <token>."}
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_logged_in_browser_session_is_not_enough(client, make_user):
    client.force_login(make_user("manager"))
    assert client.get(PRODUCTS).status_code == 401


def test_a_bad_token_is_401(db):
    for header in ("Bearer cns_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500):
        assert Client(HTTP_AUTHORIZATION=header).get(PRODUCTS).status_code == 401, header


def test_a_revoked_token_is_401(make_user):
    user = make_user("manager")
    token, key = create_token(user=user, name="ERP", actor=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(PRODUCTS).status_code == 200
    revoke_token(token, actor=user)
    assert client.get(PRODUCTS).status_code == 401


def test_a_deactivated_users_token_is_401(make_user):
    user = make_user("manager")
    _token, key = create_token(user=user, name="ERP", actor=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(PRODUCTS).status_code == 401


def test_only_the_hash_of_the_key_is_stored_and_use_is_recorded(make_user):
    user = make_user("sales")
    token, key = create_token(user=user, name="ERP", actor=user)
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.key_hash, stored.prefix) and stored.key_hash == hash_key(key)
    assert key.startswith(stored.prefix) and len(stored.prefix) < len(key) // 3
    assert stored.last_used_at is None
    assert user_for_key(key) == user
    stored.refresh_from_db()
    first_use = stored.last_used_at
    assert first_use is not None
    user_for_key(key)  # within a minute: not written again
    stored.refresh_from_db()
    assert stored.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(hours=1))
    user_for_key(key)
    stored.refresh_from_db()
    assert stored.last_used_at > first_use - timedelta(seconds=1)


def test_a_supplier_logins_token_is_refused_on_internal_endpoints(api_client):
    client, _user = api_client("supplier")
    response = client.get(PRODUCTS)
    assert response.status_code == 403
    assert response.json() == {"detail": "Supplier logins cannot use this endpoint."}
    assert client.post(PRODUCTS, {"sku": "X"}, content_type="application/json").status_code == 403


def test_the_openapi_document_lists_the_catalog_paths(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    for path in ("stores", "suppliers", "products", "warehouses", "carriers"):
        assert f"/api/v1/catalog/{path}/" in document["paths"]
        assert f"/api/v1/catalog/{path}/{{pk}}/" in document["paths"]
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
