"""Sign-up, login, logout and password flows (django-allauth) in the site layout."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import Profile

pytestmark = pytest.mark.django_db
PASSWORD = "senha-forte-123"


def test_login_page_uses_the_site_layout_in_portuguese(client):
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html and "Entrar" in html
    assert html.count("<h1") == 1


def test_sign_up_creates_a_user_with_a_profile_and_logs_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "nova@example.com", "username": "nova", "password1": "Livros-2024!x", "password2": "Livros-2024!x"},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="nova")
    assert Profile.objects.filter(user=user).exists()
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_with_mismatched_passwords_shows_an_error(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.com", "username": "x", "password1": "Livros-2024!x", "password2": "outra-coisa-1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not get_user_model().objects.filter(username="x").exists()


def test_login_and_logout_by_post(client, user):
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logout_by_get_does_not_log_out(client, user):
    client.force_login(user)
    client.get(reverse("account_logout"))
    assert client.session["_auth_user_id"] == str(user.pk)


def test_repeated_failed_logins_are_blocked_even_with_the_right_password(client, user):
    for _attempt in range(5):
        response = client.post(reverse("account_login"), {"login": user.username, "password": "errada"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    # allauth answers the throttled login with a form error (200), not a 429.
    assert response.status_code == 200
    assert "Muitas tentativas de login falharam. Tente novamente mais tarde." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email(client, user):
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert user.email in mail.outbox[0].to


def test_password_change(client, user):
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Nova-Senha-2024!", "password2": "Nova-Senha-2024!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nova-Senha-2024!")


def test_password_change_with_wrong_old_password_is_refused(client, user):
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "errada", "password1": "Nova-Senha-2024!", "password2": "Nova-Senha-2024!"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
