"""The book page's reviews panel is rendered once per version of the book's reviews and shared
by every signed-in reader; each reader's helpful votes and report links are filled in."""

import pytest
from django.urls import reverse

from accounts.tests.conftest import seed_reviews
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _reviews_panel(html: str) -> str:
    return html[html.index('id="avaliacoes"') :]


@pytest.fixture
def reviewed(book):
    reviews = [review for review in seed_reviews(book, 4) if review.visibility == "public"]
    return book, reviews


def test_each_reader_sees_their_own_helpful_vote_in_the_shared_panel(
    client, reviewed, django_capture_on_commit_callbacks
):
    book, reviews = reviewed
    voter, other = UserFactory(), UserFactory()
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    helpful = reverse("accounts:review_helpful", kwargs={"pk": reviews[0].pk})

    client.force_login(other)
    client.get(url)  # renders and caches the shared panel
    client.force_login(voter)
    with django_capture_on_commit_callbacks(execute=True):  # the cache versions move on commit
        assert client.post(helpful, {"next": url}).status_code == 302

    mine = _reviews_panel(client.get(url).content.decode())  # the voter's next request
    assert f'action="{helpful}"' in mine
    assert 'aria-pressed="true"' in mine and f"· {reviews[0].helpful_count + 1}" in mine
    client.force_login(other)
    theirs = _reviews_panel(client.get(url).content.decode())
    assert 'aria-pressed="true"' not in theirs and f"· {reviews[0].helpful_count + 1}" in theirs


def test_the_author_gets_no_vote_form_nor_report_link_on_their_own_review(client, reviewed):
    book, reviews = reviewed
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    client.force_login(UserFactory())
    client.get(url)  # the shared panel is cached by someone else
    client.force_login(reviews[0].user)
    html = _reviews_panel(client.get(url).content.decode())
    assert reverse("accounts:review_helpful", kwargs={"pk": reviews[0].pk}) not in html
    assert reverse("moderation:review_report", kwargs={"pk": reviews[0].pk}) not in html
    assert reverse("moderation:review_report", kwargs={"pk": reviews[1].pk}) in html
    assert "<!--viewer:" not in html


def test_the_vote_form_carries_the_readers_own_csrf_token_and_works(client, reviewed):
    book, reviews = reviewed
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    client.force_login(UserFactory())
    client.get(url)
    reader = UserFactory()
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(reader)
    html = _reviews_panel(csrf_client.get(url).content.decode())
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    helpful = reverse("accounts:review_helpful", kwargs={"pk": reviews[1].pk})
    response = csrf_client.post(helpful, {"csrfmiddlewaretoken": token, "next": url})
    assert response.status_code == 302
    assert reviews[1].helpful_votes.filter(user=reader).exists()


def test_the_signed_in_book_page_renders_the_reviews_panel_once_for_all_readers(client, reviewed, monkeypatch):
    book, _ = reviewed
    url = reverse("catalog:book_detail", kwargs={"slug": book.slug})
    import accounts.panels

    renders = []
    original = accounts.panels.render_to_string

    def counting(name, *args, **kwargs):
        renders.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(accounts.panels, "render_to_string", counting)
    for _ in range(3):
        client.force_login(UserFactory())
        assert client.get(url).status_code == 200
    assert renders.count("accounts/panels/book_reviews.html") == 1
    assert renders.count("accounts/panels/book_shelf.html") == 3  # the reader's own panel
