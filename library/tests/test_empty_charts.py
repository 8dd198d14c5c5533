"""A chart with no data is not drawn (the tables still say it in numbers)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import BookShelf
from catalog.tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def stats_html(client, user):
    year = timezone.localdate().year
    return client.get(reverse("library:year_stats", kwargs={"username": user.username, "year": year})).content.decode()


def test_a_year_without_reading_draws_no_chart(auth_client, user):
    html = stats_html(auth_client, user)
    assert "<canvas" not in html
    assert "vendor/chartjs" not in html


def test_books_without_pages_or_ratings_draw_only_the_monthly_chart(auth_client, user):
    accounts_services.shelf_move(user=user, book=BookFactory(pages=None), shelf_type=BookShelf.ShelfType.READ)
    html = stats_html(auth_client, user)
    assert 'id="chart-months"' in html
    assert 'id="chart-ratings"' not in html and 'id="chart-buckets"' not in html


def test_profile_without_reads_draws_no_chart(auth_client, user):
    html = auth_client.get(reverse("accounts:profile", kwargs={"username": user.username})).content.decode()
    assert 'id="reading-stats-chart"' not in html
