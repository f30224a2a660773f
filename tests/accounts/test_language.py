"""Each person reads Consign in their own language (accounts.User.language): picked on the profile page or
with the header's switcher, and activated for their pages whatever the browser asks for."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_new_user_has_not_picked_a_language_and_reads_what_the_browser_asks(client, make_user):
    user = make_user("sales")
    assert user.language == ""
    client.force_login(user)
    assert "退出登录" in client.get(reverse("reports:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


@pytest.mark.parametrize("role", ["sales", "supplier"])
def test_the_profile_page_saves_the_language_and_the_next_page_is_in_it(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200 and b'id="profile-form"' in page.content

    response = client.post(reverse("accounts:profile"), {"language": "zh-hans"})

    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).language == "zh-hans"
    after = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert after["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in after.content.decode()


def test_the_profile_refuses_an_unknown_language_and_changes_nothing(client, make_user):
    user = make_user("sales")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"language": "fr"})
    assert response.status_code == 200 and b"is-invalid" in response.content
    assert User.objects.get(pk=user.pk).language == ""


def test_the_profile_needs_a_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_the_user_preference_wins_over_the_browser_and_the_cookie(client, make_user):
    client.force_login(make_user("sales", language="zh-hans"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "zh-hans"


def test_the_language_switcher_saves_a_logged_in_users_choice(client, make_user):
    user = make_user("sales")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/inbox/"})
    assert response.status_code == 302 and response.url == "/inbox/"
    assert User.objects.get(pk=user.pk).language == "zh-hans"
    assert client.get(reverse("notifications:inbox"))["Content-Language"] == "zh-hans"

    client.post(reverse("set_language"), {"language": "en", "next": "/inbox/"})
    assert User.objects.get(pk=user.pk).language == "en"
    assert client.get(reverse("notifications:inbox"))["Content-Language"] == "en"


def test_the_switcher_still_works_for_anonymous_visitors(client):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert client.get(reverse("accounts:login"))["Content-Language"] == "zh-hans"


def test_the_switcher_ignores_an_unknown_language(client, make_user):
    user = make_user("sales")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert User.objects.get(pk=user.pk).language == ""
