import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_answers_anonymous(client):
    assert client.get(reverse("accounts:login")).status_code == 200


def test_sales_logs_in_and_lands_on_home_with_their_queue(client, make_user):
    make_user("sales", username="lina")
    response = client.post(reverse("accounts:login"), {"username": "lina", "password": "demo"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:home")
    assert b'data-role="sales"' in response.content
    assert b'data-role="finance"' not in response.content


def test_supplier_login_sees_the_portal_and_nothing_internal(client, make_user):
    client.force_login(make_user("supplier"))
    assert client.get(reverse("reports:home")).url == reverse("portal:home")
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200
    assert b"portal-home" in page.content


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
