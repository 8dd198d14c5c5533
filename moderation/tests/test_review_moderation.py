"""Reporting a book review, and hiding or restoring it from the moderation queue."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import BookReviewFactory
from core.privacy import share_token
from core.tests.factories import UserFactory
from moderation.models import ReviewReport

pytestmark = pytest.mark.django_db
QUEUE = reverse("moderation:moderation_queue")


def report_url(review) -> str:
    return reverse("moderation:review_report", kwargs={"pk": review.pk})


@pytest.fixture
def mod_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    return client


def test_report_then_hide_shows_the_reason_in_place_then_restore(
    auth_client, user, mod_client, django_capture_on_commit_callbacks
):
    review = BookReviewFactory(text="Texto com ataque pessoal")
    book_page = review.book.get_absolute_url()
    assert "Denunciar" in auth_client.get(book_page).content.decode()
    response = auth_client.post(report_url(review), {"reason": "offensive", "text": "Ofende o autor."})
    assert response.status_code == 302
    report = ReviewReport.objects.get()
    assert (report.reporter, report.status) == (user, ReviewReport.Status.OPEN)
    queue = mod_client.get(QUEUE).content.decode()
    assert "Ofende o autor." in queue and "Texto com ataque pessoal" in queue

    with django_capture_on_commit_callbacks(execute=True):  # the book's review cache is bumped on commit
        response = mod_client.post(reverse("moderation:review_hide", kwargs={"pk": review.pk}), {"reason": "Ofensa"})
    assert response["Location"] == QUEUE
    report.refresh_from_db()
    assert report.status == ReviewReport.Status.RESOLVED and report.resolved_by.is_staff
    assert "Nenhuma resenha denunciada." in mod_client.get(QUEUE).content.decode()
    for page in (book_page, review.get_absolute_url()):
        html = auth_client.get(page).content.decode()
        assert "Resenha ocultada pela moderação: Ofensa" in html and "Texto com ataque pessoal" not in html
    api = auth_client.get(reverse("api:review_detail", kwargs={"pk": review.pk})).json()
    assert (api["is_hidden"], api["hidden_reason"], api["text"], api["title"]) == (True, "Ofensa", "", "")

    with django_capture_on_commit_callbacks(execute=True):
        mod_client.post(reverse("moderation:review_restore", kwargs={"pk": review.pk}))
    html = auth_client.get(book_page).content.decode()
    assert "Texto com ataque pessoal" in html and "ocultada pela moderação" not in html


def test_reporting_twice_keeps_one_open_report(auth_client):
    review = BookReviewFactory()
    auth_client.post(report_url(review), {"reason": "spam"})
    response = auth_client.post(report_url(review), {"reason": "spam"})
    assert response.status_code == 409 and "já denunciou esta resenha" in response.content.decode()
    assert ReviewReport.objects.count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Escolha um motivo."),
        ({"reason": "inventado"}, "Escolha um motivo da lista."),
        ({"reason": "spam", "text": "x" * 1001}, "no máximo 1000 caracteres"),
    ],
)
def test_bad_report_is_400_in_portuguese_and_writes_nothing(auth_client, data, message):
    response = auth_client.post(report_url(BookReviewFactory()), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReviewReport.objects.exists()


def test_nobody_reports_their_own_review(auth_client, user):
    response = auth_client.post(report_url(BookReviewFactory(user=user)), {"reason": "spam"})
    assert response.status_code == 422 and "própria resenha" in response.content.decode()
    assert not ReviewReport.objects.exists()


def test_only_reviews_the_reader_can_see_can_be_reported(auth_client):
    private = BookReviewFactory(visibility="private")
    unlisted = BookReviewFactory(visibility="unlisted")
    assert auth_client.post(report_url(private), {"reason": "spam"}).status_code == 404
    assert auth_client.post(report_url(unlisted), {"reason": "spam"}).status_code == 404
    token = share_token("review", unlisted.pk)
    assert auth_client.post(report_url(unlisted), {"reason": "spam", "k": token}).status_code == 302
    assert list(ReviewReport.objects.values_list("review_id", flat=True)) == [unlisted.pk]


def test_anonymous_report_goes_to_login(client):
    response = client.get(report_url(BookReviewFactory()))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_readers_cannot_hide_restore_or_dismiss(auth_client):
    review = BookReviewFactory()
    report = ReviewReport.objects.create(review=review, reporter=UserFactory(), reason="spam")
    for name, pk in (("review_hide", review.pk), ("review_restore", review.pk), ("review_report_dismiss", report.pk)):
        assert auth_client.post(reverse(f"moderation:{name}", kwargs={"pk": pk}), {"reason": "x"}).status_code == 403
    review.refresh_from_db()
    report.refresh_from_db()
    assert not review.is_hidden and report.status == ReviewReport.Status.OPEN


def test_dismiss_closes_the_reviews_open_reports_and_hiding_needs_a_reason(mod_client):
    review = BookReviewFactory()
    first = ReviewReport.objects.create(review=review, reporter=UserFactory(), reason="spam")
    ReviewReport.objects.create(review=review, reporter=UserFactory(), reason="other")
    assert (
        mod_client.post(reverse("moderation:review_hide", kwargs={"pk": review.pk}), {"reason": ""}).status_code == 400
    )
    mod_client.post(reverse("moderation:review_report_dismiss", kwargs={"pk": first.pk}))
    assert not ReviewReport.objects.filter(status=ReviewReport.Status.OPEN).exists()
    review.refresh_from_db()
    assert not review.is_hidden


def test_moderators_read_a_reviews_edit_history_on_its_page(client, auth_client):
    from accounts import services as account_services

    review = BookReviewFactory(text="A primeira versão da resenha")
    account_services.review_update(review=review, user=review.user, text="A versão corrigida")
    url = reverse("accounts:review_detail", kwargs={"pk": review.pk})
    assert "A primeira versão da resenha" not in auth_client.get(url).content.decode()
    client.force_login(UserFactory(is_staff=True))
    assert "A primeira versão da resenha" in client.get(url).content.decode()
