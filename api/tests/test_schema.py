"""The committed OpenAPI schema is the generated one, and the API honours it without a 500."""

from pathlib import Path

import pytest
import schemathesis
import yaml
from django.conf import settings
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from accounts.tests.factories import BookReviewFactory, BookShelfFactory, ReadingProgressFactory
from catalog.tests.factories import BookFactory, CategoryFactory, TagFactory
from debates.tests.factories import DebatePostFactory, DebateTopicFactory

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"

schema = schemathesis.openapi.from_path(SCHEMA_PATH)


def test_committed_schema_is_up_to_date(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(fresh))
    assert yaml.safe_load(fresh.read_text()) == yaml.safe_load(SCHEMA_PATH.read_text()), (
        "docs/openapi.yaml is stale: run `manage.py spectacular --file docs/openapi.yaml`"
    )


def test_schema_endpoint_serves_the_same_paths(api, db):
    served = yaml.safe_load(api.get("/api/schema/").content)
    assert set(served["paths"]) == set(yaml.safe_load(SCHEMA_PATH.read_text())["paths"])


@pytest.fixture
def fuzz_data(reader, settings):
    """Rows for the generated calls to find: ids 1.. and slugs used by the examples exist."""
    settings.RATELIMITS = dict.fromkeys(settings.RATELIMITS, "100000/h")
    book = BookFactory()
    book.categories.add(CategoryFactory())
    book.tags.add(TagFactory())
    topic = DebateTopicFactory(book=book)
    root = DebatePostFactory(topic=topic)
    DebatePostFactory(topic=topic, parent=root)
    DebatePostFactory(topic=topic, author=reader)
    BookShelfFactory(user=reader, book=book)
    ReadingProgressFactory(user=reader, book=BookFactory())
    BookReviewFactory(user=reader, book=book)
    BookReviewFactory(book=BookFactory())


@pytest.fixture
def wsgi_app():
    """The real WSGI stack, minus the connection closing that would end the test's transaction."""
    from django.core.wsgi import get_wsgi_application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    # Random generation only (no exhaustive coverage phase): bounded, under two minutes in all.
    phases=[Phase.generate],
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@pytest.mark.django_db
def test_api_answers_generated_requests_without_server_errors(case, wsgi_app, reader_api, fuzz_data):
    token = reader_api._credentials["HTTP_AUTHORIZATION"]
    response = case.call(app=wsgi_app, headers={"Authorization": token})
    case.validate_response(response, checks=[not_a_server_error])
