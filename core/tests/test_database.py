import psycopg
import pytest
from django.db import close_old_connections, connection

pytestmark = pytest.mark.urls("core.tests.urls")


@pytest.mark.django_db
def test_connections_are_opened_with_the_configured_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 10


@pytest.mark.django_db(transaction=True)
def test_a_runaway_query_is_cut_off_and_answered_with_a_clean_page(client):
    response = client.get("/runaway/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "demorou demais" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_requests_reuse_one_persistent_connection(client, settings):
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 600
    first = client.get("/pid/").content
    second = client.get("/pid/").content
    assert first == second


@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_is_replaced_on_the_next_request(client):
    first = client.get("/pid/").content.decode()
    # Kill the server side of the app's connection from another connection, as a restart would.
    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", [int(first)])  # returns once it is gone
    # A real server runs this at every request start (the test client skips it): with
    # CONN_HEALTH_CHECKS the dead connection is noticed there (its socket closed) and replaced.
    close_old_connections()
    response = client.get("/pid/")
    assert response.status_code == 200
    assert response.content.decode() != first


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_checked_without_a_query():
    """Its socket has nothing to read: no `SELECT 1` reaches the server (its last query stays
    the one before the check)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), 'before the check'")
        pid = cursor.fetchone()[0]
    assert connection.is_usable()
    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=True) as admin:
        last = admin.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]
    assert last == "SELECT pg_backend_pid(), 'before the check'"


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_is_not_usable():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    assert not connection.is_usable()
    connection.close()
