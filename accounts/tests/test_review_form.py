"""The review form cannot misfire: no default rating, nothing pre-ticked, closed until asked for."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import BookReview, BookShelf
from accounts.panels import book_shelf_panel
from accounts.tests.factories import BookReviewFactory, BookShelfFactory

pytestmark = pytest.mark.django_db


def test_a_fresh_form_has_no_rating_and_recommends_nothing(user, book, rf_request):
    html = book_shelf_panel(rf_request(user), book)
    stars = re.findall(r'<input type="radio" name="rating"[^>]*>', html)
    assert len(stars) == 9  # 1 to 5 in half steps
    assert not [star for star in stars if "checked" in star]
    assert re.search(r'<input type="checkbox" name="would_recommend"(?![^>]*checked)[^>]*>', html)
    assert "4,5 de 5 estrelas" in html  # each star speaks its value to screen readers


def test_the_form_is_closed_until_the_book_is_read(user, book, rf_request):
    assert '<details class="review-box">' in book_shelf_panel(rf_request(user), book)
    BookShelfFactory(user=user, book=book, shelf_type=BookShelf.ShelfType.READ)
    assert '<details class="review-box" open>' in book_shelf_panel(rf_request(user), book)


def test_publishing_without_a_rating_is_refused_in_portuguese(auth_client, book):
    url = reverse("accounts:review_create", kwargs={"slug": book.slug})
    response = auth_client.post(url, {"title": "Sem nota", "text": "Esqueci a nota", "visibility": "public"})
    assert response.status_code == 422
    assert "Escolha uma nota de 1 a 5 estrelas antes de publicar." in response.content.decode()
    assert not BookReview.objects.exists()


def test_an_unticked_recommendation_is_stored_as_no(auth_client, user, book):
    url = reverse("accounts:review_create", kwargs={"slug": book.slug})
    assert auth_client.post(url, {"rating": "3", "visibility": "public"}).status_code == 302
    assert BookReview.objects.get(user=user, book=book).would_recommend is False


@pytest.mark.parametrize(("stored", "checked"), [("4.0", "4"), ("2.5", "2.5"), ("1.0", "1")])
def test_the_edit_page_checks_the_stored_rating(auth_client, user, book, stored, checked):
    review = BookReviewFactory(user=user, book=book, rating=Decimal(stored))
    html = auth_client.get(reverse("accounts:review_edit", kwargs={"pk": review.pk})).content.decode()
    assert re.findall(r'name="rating" value="([^"]+)"[^>]* checked', html) == [checked]
