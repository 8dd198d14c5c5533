import pytest
from django.test import RequestFactory

from core.ratelimit import client_ip

pytestmark = [pytest.mark.urls("core.tests.urls"), pytest.mark.django_db]


@pytest.fixture
def tight_vote_limit(settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "vote": "2/h"}


def test_requests_past_the_limit_get_429_with_retry_after_page(client, tight_vote_limit):
    assert client.post("/limited/").status_code == 200
    assert client.post("/limited/").status_code == 200
    response = client.post("/limited/", HTTP_ACCEPT="text/html")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "Limite de requisições excedido" in response.content.decode()
    assert "<h1>" in response.content.decode()


def test_json_callers_get_json_429(client, tight_vote_limit):
    for _ in range(2):
        client.post("/limited/")
    response = client.post("/limited/", HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    assert response.json() == {
        "error": "Limite de requisições excedido. Tente novamente mais tarde.",
        "status": 429,
    }
    assert int(response["Retry-After"]) > 0


def test_get_requests_are_not_counted_by_a_post_limit(client, tight_vote_limit):
    for _ in range(5):
        assert client.get("/limited/").status_code == 200


def test_limit_counts_per_user(client, django_user_model, tight_vote_limit):
    first = django_user_model.objects.create_user("ana", password="x")
    second = django_user_model.objects.create_user("bia", password="x")
    client.force_login(first)
    for _ in range(2):
        client.post("/limited/")
    assert client.post("/limited/").status_code == 429
    client.force_login(second)
    assert client.post("/limited/").status_code == 200


def test_forwarded_header_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == "10.0.0.1"


def test_only_the_trusted_hop_of_forwarded_for_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # A client forged the first entry; our proxy appended the address it really saw.
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "203.0.113.7"
