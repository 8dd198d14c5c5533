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
