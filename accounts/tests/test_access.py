"""Account takeover defences: throttled admin login, one client-IP rule behind the proxy."""

import pytest
from django.urls import reverse

from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "senha-forte-123"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def staff(db):
    return UserFactory(username="moderadora", is_staff=True)


def admin_login(client, username, password, **headers):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password, "next": "/admin/"}, **headers)


def test_admin_login_works_for_staff(client, staff):
    response = admin_login(client, staff.username, PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(staff.pk)


def test_admin_login_is_throttled_per_login_with_429_even_with_the_right_password(client, staff):
    for _attempt in range(5):
        assert admin_login(client, staff.username, "errada").status_code == 200
    response = admin_login(client, staff.username, PASSWORD)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 300
    assert "_auth_user_id" not in client.session


def test_admin_login_is_throttled_per_client_ip(client, staff):
    for attempt in range(10):
        assert admin_login(client, f"ninguem{attempt}", "errada").status_code == 200
    response = admin_login(client, staff.username, PASSWORD)
    assert response.status_code == 429 and int(response["Retry-After"]) <= 60


def test_admin_and_site_logins_share_the_failure_count(client, staff):
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": staff.username, "password": "errada"})
    assert admin_login(client, staff.username, PASSWORD).status_code == 429


def test_behind_the_proxy_each_visitor_has_its_own_failed_login_bucket(client, settings, user):
    """TRUSTED_PROXY_COUNT=1: allauth counts the client nginx saw, not nginx itself."""
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.66", "REMOTE_ADDR": "127.0.0.1"}
    reader = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "127.0.0.1"}
    for attempt in range(10):
        client.post(reverse("account_login"), {"login": f"alvo{attempt}", "password": "errada"}, **attacker)
    locked = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD}, **attacker)
    assert "_auth_user_id" not in client.session and locked.status_code == 200
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD}, **reader)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_behind_the_proxy_the_admin_login_counts_the_client(client, settings, staff):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(10):
        admin_login(client, f"ninguem{attempt}", "errada", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert admin_login(client, staff.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.66").status_code == 429
    assert admin_login(client, staff.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302


def sign_up(client, username, email=None):
    password = "Livros-2024!x"
    data = {"email": email or "nova@example.com", "username": username, "password1": password, "password2": password}
    return client.post(reverse("account_signup"), data)


def test_full_width_username_is_stored_nfkc_normalised(client, django_user_model):
    assert sign_up(client, "ｊｏａｏ").status_code == 302
    assert django_user_model.objects.filter(username="joao").exists()


@pytest.mark.parametrize("taken, attempt", [("joao", "ｊｏａｏ"), ("joao", "JOAO"), ("Maria", "maria")])
def test_a_username_equal_after_nfkc_and_case_folding_is_taken(client, django_user_model, taken, attempt):
    UserFactory(username=taken)
    response = sign_up(client, attempt)
    assert response.status_code == 200 and "username" in response.context["form"].errors
    assert django_user_model.objects.count() == 1


@pytest.mark.parametrize("attempt", ["аdmin", "jοao", "joão", "jo ao", "-joao", ".", "jo@o"])
def test_look_alikes_and_other_scripts_are_refused_with_a_clear_message(client, django_user_model, attempt):
    UserFactory(username="admin")
    response = sign_up(client, attempt)
    assert response.status_code == 200
    assert "Use só letras sem acento" in str(response.context["form"].errors["username"])
    assert django_user_model.objects.count() == 1


def test_login_with_the_full_width_spelling_finds_the_reader(client, user):
    wide = "".join(chr(ord(char) + 0xFEE0) for char in user.username)  # ASCII → full width
    response = client.post(reverse("account_login"), {"login": wide, "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def reauthenticate(client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_adding_an_email_asks_for_the_password_and_tells_the_current_address(client, user, mailoutbox):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    client.force_login(user)
    response = client.post(reverse("account_email"), {"email": "intruso@example.com", "action_add": ""})
    assert response.status_code == 302 and reverse("account_reauthenticate") in response["Location"]
    assert not EmailAddress.objects.filter(email="intruso@example.com").exists()
    # With the password, allauth replays the suspended form.
    client.post(response["Location"], {"password": PASSWORD})
    assert EmailAddress.objects.filter(user=user, email="intruso@example.com", primary=False).exists()
    notices = [mail for mail in mailoutbox if mail.to == [user.email]]
    assert notices and "intruso@example.com" in notices[-1].body


def test_making_an_email_primary_asks_for_the_password_and_tells_the_old_address(client, user, mailoutbox):
    from allauth.account.models import EmailAddress

    old = user.email
    EmailAddress.objects.create(user=user, email=old, primary=True, verified=True)
    EmailAddress.objects.create(user=user, email="nova@example.com", primary=False, verified=True)
    client.force_login(user)
    body = {"email": "nova@example.com", "action_primary": ""}
    response = client.post(reverse("account_email"), body)
    assert reverse("account_reauthenticate") in response["Location"]
    assert EmailAddress.objects.get(email=old).primary
    reauthenticate(client)
    client.post(reverse("account_email"), body)
    user.refresh_from_db()
    assert user.email == "nova@example.com"
    notices = [mail for mail in mailoutbox if mail.to == [old]]
    assert notices and "nova@example.com" in notices[-1].body
