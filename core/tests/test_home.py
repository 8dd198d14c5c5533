import pytest


@pytest.mark.django_db
def test_home_page_renders_for_anonymous_reader(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "CGBookStore" in response.content.decode()
