import pytest


@pytest.mark.django_db
def test_home_page_renders_for_anonymous_reader(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "CGBookStore" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_pages_carry_no_csrf_token_so_they_can_be_shared(client):
    response = client.get("/")
    assert "csrftoken" not in response.cookies
    assert "X-CSRFToken" not in response.content.decode()


@pytest.mark.django_db
def test_logged_in_pages_give_htmx_the_csrf_token(auth_client):
    assert "X-CSRFToken" in auth_client.get("/").content.decode()


@pytest.mark.django_db
def test_anonymous_home_is_served_whole_from_the_page_cache(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 10
    assert client.get("/")["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_logged_in_readers_share_a_home_of_their_own(auth_client, settings):
    """Not the visitors' page: the dashboard, shared by readers (core/tests/test_dashboard_shared.py)."""
    settings.PAGE_CACHE_SECONDS = 10
    auth_client.get("/")
    response = auth_client.get("/")
    assert response["X-Page-Cache"] == "hit" and "dashboard" in response.content.decode()
