from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import BookReview, BookShelf, ReadingProgress, ShelfVisibility
from accounts.tests.factories import BookReviewFactory, BookShelfFactory, ReadingProgressFactory
from catalog.tests.factories import CategoryFactory
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ShelfType = BookShelf.ShelfType
XSS = '<script>alert("x")</script>'
HTMX = {"HTTP_HX_REQUEST": "true"}


def shelf_url(book):
    return reverse("accounts:shelf_update", kwargs={"slug": book.slug})


# --- profile and shelves pages --------------------------------------------------------------


def test_profile_page_renders_for_anonymous_and_owner(client, user):
    url = reverse("accounts:profile", kwargs={"username": user.username})
    assert client.get(url).status_code == 200
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("accounts:profile_settings") in response.content.decode()


def test_unknown_reader_is_404(client):
    assert client.get(reverse("accounts:profile", kwargs={"username": "ninguem"})).status_code == 404


def test_an_inactive_readers_profile_is_404(client, user):
    user.is_active = False
    user.save()
    assert client.get(reverse("accounts:profile", kwargs={"username": user.username})).status_code == 404


def test_profile_lists_favourite_categories_by_name_with_their_links(client, user):
    romance, fantasy = CategoryFactory(name="Romance"), CategoryFactory(name="Fantasia")
    user.profile.favorite_categories.add(romance, fantasy)
    html = client.get(reverse("accounts:profile", kwargs={"username": user.username})).content.decode()
    assert (
        f'<a href="{fantasy.get_absolute_url()}">Fantasia</a>, <a href="{romance.get_absolute_url()}">Romance</a>'
        in html
    )


def test_profile_escapes_bio(client, user):
    user.profile.bio = XSS
    user.profile.save()
    html = client.get(reverse("accounts:profile", kwargs={"username": user.username})).content.decode()
    assert XSS not in html and "&lt;script&gt;" in html


def test_profile_passes_stats_as_json_script_with_a_table_fallback(client, user):
    BookShelfFactory(user=user, shelf_type=ShelfType.READ, finished_at=__import__("datetime").date.today())
    html = client.get(reverse("accounts:profile", kwargs={"username": user.username})).content.decode()
    assert 'id="reading-stats-data" type="application/json"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "<caption>Livros e páginas lidos por mês</caption>" in html


def test_private_shelves_are_hidden_from_others_but_not_from_the_owner(client, user):
    BookShelfFactory(user=user, shelf_type=ShelfType.READING, book__title="Livro Secreto")
    ShelfVisibility.objects.create(user=user, shelf_type=ShelfType.READING, visibility="private")
    profile_url = reverse("accounts:profile", kwargs={"username": user.username})
    shelves_url = reverse("accounts:shelves", kwargs={"username": user.username})
    assert "Livro Secreto" not in client.get(profile_url).content.decode()
    assert "Livro Secreto" not in client.get(shelves_url).content.decode()
    assert client.get(shelves_url, {"estante": ShelfType.READING}).status_code == 404
    client.force_login(user)
    assert "Livro Secreto" in client.get(profile_url).content.decode()
    assert client.get(shelves_url).status_code == 200


def test_a_shelf_made_private_under_another_case_hides_its_recent_entries(client, user):
    BookShelfFactory(user=user, shelf_type=ShelfType.CUSTOM, custom_name="Clube", book__title="Do clube")
    BookShelfFactory(user=user, shelf_type=ShelfType.READING, book__title="Em andamento")
    ShelfVisibility.objects.create(user=user, shelf_type=ShelfType.CUSTOM, custom_name="clube", visibility="private")
    url = reverse("accounts:profile", kwargs={"username": user.username})
    html = client.get(url).content.decode()
    assert "Em andamento" in html and "Do clube" not in html
    client.force_login(user)
    assert "Do clube" in client.get(url).content.decode()


def test_shelves_page_filters_by_shelf(client, user):
    BookShelfFactory(user=user, shelf_type=ShelfType.READING, book__title="Em andamento")
    BookShelfFactory(user=user, shelf_type=ShelfType.CUSTOM, custom_name="Clube", book__title="Do clube")
    url = reverse("accounts:shelves", kwargs={"username": user.username})
    html = client.get(url, {"estante": "custom", "nome": "clube"}).content.decode()
    assert "Do clube" in html and "Em andamento" not in html
    client.force_login(user)
    assert "Minhas estantes" in client.get(url).content.decode()


def test_settings_page_needs_login(client):
    response = client.get(reverse("accounts:profile_settings"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_settings_page_updates_profile(auth_client, user):
    url = reverse("accounts:profile_settings")
    assert auth_client.get(url).status_code == 200
    response = auth_client.post(url, {"bio": "Leitora de clássicos"})
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.bio == "Leitora de clássicos"


def test_settings_page_refuses_overlong_bio(auth_client, user):
    response = auth_client.post(reverse("accounts:profile_settings"), {"bio": "x" * 2001})
    assert response.status_code == 422
    user.profile.refresh_from_db()
    assert user.profile.bio == ""


# --- shelf endpoints ------------------------------------------------------------------------


def test_anonymous_shelf_write_redirects_to_login(client, book):
    response = client.post(shelf_url(book), {"action": "add", "shelf_type": "reading"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not BookShelf.objects.exists()


def test_shelf_add_without_js_redirects_back_with_a_message(auth_client, user, book):
    response = auth_client.post(
        shelf_url(book), {"action": "add", "shelf_type": "want_to_read", "next": "/livros/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/livros/"
    assert "Livro adicionado a “Quero ler”." in [str(message) for message in response.context["messages"]]
    assert BookShelf.objects.get(user=user, book=book).shelf_type == ShelfType.WANT_TO_READ


def test_shelf_redirect_ignores_foreign_next_urls(auth_client, book):
    response = auth_client.post(
        shelf_url(book), {"action": "add", "shelf_type": "read", "next": "https://evil.example/"}
    )
    assert response["Location"] == book.get_absolute_url()


def test_shelf_add_with_htmx_returns_the_panel_fragment(auth_client, user, book):
    response = auth_client.post(shelf_url(book), {"action": "add", "shelf_type": "reading"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="panel shelf-panel card" id="minha-estante"')
    assert "<html" not in html
    assert ReadingProgress.objects.filter(user=user, book=book).exists()


def test_shelf_remove(auth_client, user, book):
    BookShelfFactory(user=user, book=book, shelf_type=ShelfType.FAVORITES)
    auth_client.post(shelf_url(book), {"action": "remove", "shelf_type": "favorites"})
    assert not BookShelf.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"action": "add", "shelf_type": "nope"}, {"action": "add", "shelf_type": "custom", "custom_name": " "}],
)
def test_bad_shelf_input_answers_422_with_a_message(auth_client, book, data):
    response = auth_client.post(shelf_url(book), data)
    assert response.status_code == 422
    assert 'class="errorlist"' in response.content.decode()
    assert not BookShelf.objects.exists()


def test_shelf_write_on_unknown_book_is_404(auth_client):
    response = auth_client.post(reverse("accounts:shelf_update", kwargs={"slug": "nao-existe"}), {})
    assert response.status_code == 404


def test_shelf_writes_are_rate_limited(auth_client, book, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "shelf_write": "2/m"}
    for _attempt in range(2):
        assert auth_client.post(shelf_url(book), {"action": "add", "shelf_type": "read"}).status_code == 302
    response = auth_client.post(shelf_url(book), {"action": "add", "shelf_type": "read"})
    assert response.status_code == 429 and "Retry-After" in response


# --- progress endpoints ---------------------------------------------------------------------


def test_progress_start_and_update(auth_client, user, book):
    auth_client.post(reverse("accounts:progress_start", kwargs={"slug": book.slug}), {"total_pages": 100})
    progress = ReadingProgress.objects.get(user=user, book=book)
    url = reverse("accounts:progress_update", kwargs={"pk": progress.pk})
    response = auth_client.post(url, {"current_page": 40, "total_pages": 100, "notes": "bom"})
    assert response.status_code == 302
    progress.refresh_from_db()
    assert (progress.current_page, progress.notes) == (40, "bom")


def test_progress_page_beyond_total_answers_422_in_portuguese(auth_client, user, book):
    progress = ReadingProgressFactory(user=user, book=book, current_page=10, total_pages=100)
    url = reverse("accounts:progress_update", kwargs={"pk": progress.pk})
    response = auth_client.post(url, {"current_page": 101}, **HTMX)
    assert response.status_code == 422
    assert "A página atual não pode passar do total de páginas." in response.content.decode()
    progress.refresh_from_db()
    assert progress.current_page == 10


def test_editing_another_readers_progress_is_403(auth_client, book):
    progress = ReadingProgressFactory(book=book)
    for name in ("progress_update", "progress_abandon", "progress_restore"):
        response = auth_client.post(reverse(f"accounts:{name}", kwargs={"pk": progress.pk}), {"current_page": 1})
        assert response.status_code == 403
    progress.refresh_from_db()
    assert progress.current_page == 50 and not progress.is_abandoned


def test_progress_notes_are_shown_to_the_owner_only(client, user, book, rf_request):
    from accounts.panels import book_shelf_panel

    BookShelfFactory(user=user, book=book, shelf_type=ShelfType.READING)
    ReadingProgressFactory(user=user, book=book, notes="nota secreta")
    assert "nota secreta" in book_shelf_panel(rf_request(user), book)
    assert "nota secreta" not in book_shelf_panel(rf_request(UserFactory()), book)
    assert "nota secreta" not in book_shelf_panel(rf_request(None), book)


# --- review endpoints -----------------------------------------------------------------------


def review_data(**overrides):
    return {
        "rating": "4.5",
        "title": "Bom",
        "text": "Gostei",
        "would_recommend": "on",
        "visibility": "public",
        **overrides,
    }


def test_anonymous_review_write_redirects_to_login(client, book):
    response = client.post(reverse("accounts:review_create", kwargs={"slug": book.slug}), review_data())
    assert response.status_code == 302 and not BookReview.objects.exists()


def test_review_create_updates_the_book_rating(auth_client, book):
    response = auth_client.post(reverse("accounts:review_create", kwargs={"slug": book.slug}), review_data())
    assert response.status_code == 302
    book.refresh_from_db()
    assert (book.average_rating, book.ratings_count) == (Decimal("4.50"), 1)


def test_duplicate_review_answers_409_with_a_clear_message(auth_client, user, book):
    BookReviewFactory(user=user, book=book)
    response = auth_client.post(reverse("accounts:review_create", kwargs={"slug": book.slug}), review_data())
    assert response.status_code == 409
    assert "Você já avaliou este livro." in response.content.decode()


@pytest.mark.parametrize("rating", ["4.3", "6", "", "0.5"])
def test_bad_rating_answers_422(auth_client, book, rating):
    url = reverse("accounts:review_create", kwargs={"slug": book.slug})
    assert auth_client.post(url, review_data(rating=rating)).status_code == 422
    assert not BookReview.objects.exists()


def test_overlong_review_text_answers_422(auth_client, book):
    url = reverse("accounts:review_create", kwargs={"slug": book.slug})
    assert auth_client.post(url, review_data(text="x" * 10001)).status_code == 422


def test_review_edit_page_and_update(auth_client, user, book):
    review = BookReviewFactory(user=user, book=book)
    url = reverse("accounts:review_edit", kwargs={"pk": review.pk})
    assert auth_client.get(url).status_code == 200
    assert auth_client.post(url, review_data(rating="2")).status_code == 302
    review.refresh_from_db()
    assert review.rating == Decimal("2")
    assert auth_client.post(url, review_data(rating="9")).status_code == 422


def test_editing_or_deleting_another_readers_review_is_403(auth_client, book):
    review = BookReviewFactory(book=book)
    assert auth_client.get(reverse("accounts:review_edit", kwargs={"pk": review.pk})).status_code == 403
    assert auth_client.post(reverse("accounts:review_edit", kwargs={"pk": review.pk}), review_data()).status_code == 403
    assert auth_client.post(reverse("accounts:review_delete", kwargs={"pk": review.pk})).status_code == 403
    assert BookReview.objects.filter(pk=review.pk, rating=Decimal("4.0")).exists()


def test_review_delete(auth_client, user, book):
    review = BookReviewFactory(user=user, book=book)
    assert auth_client.post(reverse("accounts:review_delete", kwargs={"pk": review.pk})).status_code == 302
    assert not BookReview.objects.exists()


def test_helpful_vote_with_htmx_returns_the_button(auth_client, book):
    review = BookReviewFactory(book=book)
    response = auth_client.post(reverse("accounts:review_helpful", kwargs={"pk": review.pk}), **HTMX)
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode() and "Útil · 1" in response.content.decode()


def test_helpful_vote_on_own_review_is_403(auth_client, user, book):
    review = BookReviewFactory(user=user, book=book)
    assert auth_client.post(reverse("accounts:review_helpful", kwargs={"pk": review.pk})).status_code == 403


def test_review_text_is_escaped_and_spoilers_hidden(client, book):
    BookReviewFactory(book=book, title=XSS, text=XSS, contains_spoilers=True)
    html = client.get(reverse("accounts:book_reviews", kwargs={"slug": book.slug})).content.decode()
    assert XSS not in html and "&lt;script&gt;" in html
    assert '<details class="spoiler">' in html


def test_book_reviews_page_shows_only_public_reviews(client, auth_client, book):
    BookReviewFactory(book=book, text="publica")
    BookReviewFactory(book=book, text="privada", visibility="private")
    url = reverse("accounts:book_reviews", kwargs={"slug": book.slug})
    html = client.get(url).content.decode()
    assert "publica" in html and "privada" not in html
    assert auth_client.get(url).status_code == 200
    assert client.get(reverse("accounts:book_reviews", kwargs={"slug": "nada"})).status_code == 404
