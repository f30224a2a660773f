"""The "API tokens" page: a user creates a token (shown once), sees only its prefix later, revokes it."""

from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken


def test_a_user_creates_a_token_sees_it_once_and_revokes_it(client, make_user):
    user = make_user("sales")
    client.force_login(user)
    page = client.post(reverse("accounts:api_tokens"), {"name": "ERP sync"})
    assert page.status_code == 200
    key = page.context["new_key"]
    assert key in page.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.name == "ERP sync"
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/catalog/products/").status_code == 200

    later = client.get(reverse("accounts:api_tokens")).content.decode()
    assert key not in later and f"{token.prefix}…" in later

    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert ApiToken.objects.get(pk=token.pk).revoked
    assert api.get("/api/v1/catalog/products/").status_code == 401


def test_nobody_revokes_someone_elses_token(client, make_user):
    owner, other = make_user("sales"), make_user("manager")
    client.force_login(owner)
    client.post(reverse("accounts:api_tokens"), {"name": "mine"})
    token = ApiToken.objects.get(user=owner)
    client.force_login(other)
    assert client.post(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 404
    assert not ApiToken.objects.get(pk=token.pk).revoked
    assert "mine" not in client.get(reverse("accounts:api_tokens")).content.decode()


def test_a_supplier_login_has_no_token_page(client, make_user):
    client.force_login(make_user("supplier"))
    assert client.get(reverse("accounts:api_tokens")).status_code == 302  # sent to its own corner


def test_an_administrator_creates_a_token_in_the_admin_and_sees_the_key_once(client, make_user):
    admin = make_user(is_superuser=True, is_staff=True)
    owner = make_user("sales")
    client.force_login(admin)
    response = client.post(reverse("admin:accounts_apitoken_add"), {"user": owner.pk, "name": "Integration"},
                           follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=owner)
    shown = [str(m) for m in response.context["messages"]]
    assert any(token.prefix in m and "shown only once" in m for m in shown)
