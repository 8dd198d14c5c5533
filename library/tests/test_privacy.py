"""Per-item privacy on the library pages: the year pages follow the Lidos shelf, the goal its own
visibility, and the exports are their owner's alone.

A year page's link carries the Lidos shelf's token in `k` and the goal's in `meta`.
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import BookReview, BookShelf
from accounts.selectors import shelf_share_token
from accounts.tests.factories import BookReviewFactory, BookShelfFactory
from catalog.tests.factories import BookFactory
from core.privacy import Visibility, share_token
from core.tests.factories import UserFactory
from library import services
from library.models import ReadingGoal

pytestmark = pytest.mark.django_db
READ = BookShelf.ShelfType.READ
VISIBILITIES = list(Visibility.values)
VIEWERS = ["anonymous", "other", "owner"]
SECRET_BOOK = "Livro Secreto Lidos"
GOAL_TEXT = "de 77 livros"
STATS_HIDDEN = "As estatísticas deste leitor são privadas."
YEAR = timezone.localdate().year
PAGES = ["library:year_stats", "library:year_summary"]


@pytest.fixture
def owner(db):
    return UserFactory(username="dona-dos-segredos")


@pytest.fixture
def other(db):
    return UserFactory(username="leitor-curioso")


def read_book(owner, title=SECRET_BOOK, pages=420, rating=None, review_visibility=Visibility.PUBLIC):
    book = BookFactory(title=title, pages=pages)
    today = timezone.localdate()
    BookShelfFactory(user=owner, book=book, shelf_type=READ, finished_at=today, started_at=today)
    if rating:
        BookReviewFactory(user=owner, book=book, rating=Decimal(rating), visibility=review_visibility)
    return book


def set_lidos(owner, visibility):
    account_services.shelf_visibility_set(user=owner, shelf_type=READ, visibility=visibility)


def set_goal(owner, visibility, year=YEAR):
    return services.goal_set(user=owner, year=year, books=77, visibility=visibility)


def as_viewer(client, who, owner, other):
    if who == "owner":
        client.force_login(owner)
    elif who == "other":
        client.force_login(other)
    return client


def year_url(page, owner, year=YEAR):
    return reverse(page, kwargs={"username": owner.username, "year": year})


def lidos_token(user):
    return shelf_share_token(user_id=user.pk, shelf_type=READ)


def html_of(response) -> str:
    return response.content.decode()


# --- the stats follow the Lidos shelf ------------------------------------------------------


@pytest.mark.parametrize("token", ["none", "own", "other_reader", "goal_kind"])
@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("page", PAGES)
def test_year_pages_show_stats_when_lidos_is_visible_else_403(client, owner, other, page, visibility, who, token):
    read_book(owner)
    set_lidos(owner, visibility)
    tokens = {
        "none": None,
        "own": lidos_token(owner),
        "other_reader": lidos_token(other),
        "goal_kind": share_token("goal", f"{owner.pk}:{READ}:"),
    }
    query = {"k": tokens[token]} if tokens[token] else {}
    response = as_viewer(client, who, owner, other).get(year_url(page, owner), query)
    allowed = who == "owner" or visibility == Visibility.PUBLIC or (visibility == "unlisted" and token == "own")
    assert response.status_code == (200 if allowed else 403)
    assert (SECRET_BOOK in html_of(response)) == allowed  # the year's longest book


@pytest.mark.parametrize("page", PAGES)
def test_a_hidden_custom_shelf_does_not_hide_the_stats(client, owner, page):
    read_book(owner)
    BookShelfFactory(user=owner, shelf_type="custom", custom_name="Lista Secreta")
    account_services.shelf_visibility_set(
        user=owner, shelf_type="custom", custom_name="Lista Secreta", visibility="private"
    )
    response = client.get(year_url(page, owner))
    assert response.status_code == 200 and SECRET_BOOK in html_of(response)


@pytest.mark.parametrize("who", VIEWERS)
def test_the_ratings_distribution_counts_public_reviews_only_for_others(client, owner, other, who):
    read_book(owner, "Lido Publico", rating="5", review_visibility=Visibility.PUBLIC)
    read_book(owner, "Lido Link", rating="1", review_visibility=Visibility.UNLISTED)
    read_book(owner, "Lido Privado", rating="2", review_visibility=Visibility.PRIVATE)
    stats = as_viewer(client, who, owner, other).get(year_url("library:year_stats", owner))
    chart = json.loads(html_of(stats).split('id="library-stats-data" type="application/json">', 1)[1].split("<", 1)[0])
    counts = dict(zip(chart["ratings"]["labels"], chart["ratings"]["counts"], strict=True))
    if who == "owner":
        assert (counts["5,0"], counts["1,0"], counts["2,0"]) == (1, 1, 1)
        assert "Nota média: 2,67 (3 avaliações)" in html_of(stats)
    else:
        assert (counts["5,0"], counts["1,0"], counts["2,0"]) == (1, 0, 0)
        assert "Nota média: 5,00 (1 " in html_of(stats)
    summary = html_of(client.get(year_url("library:year_summary", owner)))
    assert ("<strong>5,00</strong> nota média" in summary) == (who != "owner")


# --- the goal -----------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["none", "own", "other_goal", "lidos_kind"])
@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("page", PAGES)
def test_year_pages_show_the_goal_when_public_own_or_unlisted_with_its_link(
    client, owner, other, page, visibility, who, token
):
    read_book(owner)  # Lidos is public: the page itself always opens
    goal = set_goal(owner, visibility)
    other_goal = set_goal(other, Visibility.UNLISTED)
    tokens = {
        "none": None,
        "own": share_token("goal", goal.pk),
        "other_goal": share_token("goal", other_goal.pk),
        "lidos_kind": share_token("shelf", goal.pk),
    }
    query = {"meta": tokens[token]} if tokens[token] else {}
    response = as_viewer(client, who, owner, other).get(year_url(page, owner), query)
    assert response.status_code == 200 and SECRET_BOOK in html_of(response)
    shown = who == "owner" or visibility == Visibility.PUBLIC or (visibility == "unlisted" and token == "own")
    assert (GOAL_TEXT in html_of(response)) == shown


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_profile_goal_panel_shows_a_public_goal_only(client, owner, other, visibility, who):
    read_book(owner)
    set_goal(owner, visibility)
    html = html_of(as_viewer(client, who, owner, other).get(reverse("accounts:profile", args=[owner.username])))
    assert 'id="meta-titulo"' in html
    assert (GOAL_TEXT in html) == (who == "owner" or visibility == Visibility.PUBLIC)
    if who == "owner":
        assert ("Visibilidade da meta" in html) == (visibility != Visibility.PUBLIC)


@pytest.mark.parametrize("lidos", VISIBILITIES)
@pytest.mark.parametrize("who", VIEWERS)
def test_profile_links_to_the_year_stats_only_when_lidos_is_visible(client, owner, other, who, lidos):
    read_book(owner)
    set_lidos(owner, lidos)
    html = html_of(as_viewer(client, who, owner, other).get(reverse("accounts:profile", args=[owner.username])))
    assert (year_url("library:year_stats", owner) in html) == (who == "owner" or lidos == Visibility.PUBLIC)


@pytest.mark.parametrize("lidos", [Visibility.UNLISTED, Visibility.PRIVATE])
@pytest.mark.parametrize("page", PAGES)
def test_a_shared_goal_opens_a_year_page_whose_stats_stay_hidden(client, owner, other, page, lidos):
    read_book(owner)
    set_lidos(owner, lidos)
    goal = set_goal(owner, Visibility.UNLISTED)
    client.force_login(other)
    response = client.get(year_url(page, owner), {"meta": share_token("goal", goal.pk)})
    html = html_of(response)
    assert response.status_code == 200 and GOAL_TEXT in html and STATS_HIDDEN in html
    assert SECRET_BOOK not in html and "library-stats-data" not in html and "year-stats.js" not in html
    # without the goal's link there is nothing to show
    assert client.get(year_url(page, owner)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_a_public_goal_with_hidden_stats_shows_the_goal_alone(client, owner, page):
    read_book(owner)
    set_lidos(owner, Visibility.PRIVATE)
    set_goal(owner, Visibility.PUBLIC)
    response = client.get(year_url(page, owner))
    assert response.status_code == 200 and GOAL_TEXT in html_of(response) and SECRET_BOOK not in html_of(response)


def test_another_years_goal_token_does_not_open_this_years_goal(client, owner):
    read_book(owner)
    last_year = set_goal(owner, Visibility.UNLISTED, year=YEAR - 1)
    set_goal(owner, Visibility.UNLISTED)
    html = html_of(client.get(year_url("library:year_stats", owner), {"meta": share_token("goal", last_year.pk)}))
    assert GOAL_TEXT not in html


# --- share links the owner sees -----------------------------------------------------------


def share_link(html: str) -> str:
    return html.split('class="share-link"', 1)[1].split('value="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


@pytest.mark.parametrize("page", PAGES)
def test_the_owner_sees_one_link_that_opens_the_unlisted_parts_of_a_year_page(client, owner, page):
    read_book(owner)
    set_lidos(owner, Visibility.UNLISTED)
    goal = set_goal(owner, Visibility.UNLISTED)
    client.force_login(owner)
    link = share_link(html_of(client.get(year_url(page, owner))))
    assert f"k={lidos_token(owner)}" in link and f"meta={share_token('goal', goal.pk)}" in link
    client.logout()
    shared = client.get(link.removeprefix("http://testserver"))
    assert shared.status_code == 200 and SECRET_BOOK in html_of(shared) and GOAL_TEXT in html_of(shared)
    # moving to the year's other page keeps the link's tokens
    other_page = year_url(PAGES[1 - PAGES.index(page)], owner)
    assert f"{other_page}?k={lidos_token(owner)}&amp;meta=" in html_of(shared)


@pytest.mark.parametrize("goal", [None, Visibility.PUBLIC, Visibility.PRIVATE])
def test_no_share_link_when_nothing_on_the_year_page_is_unlisted(client, owner, goal):
    read_book(owner)
    set_lidos(owner, Visibility.PRIVATE)
    if goal:
        set_goal(owner, goal)
    client.force_login(owner)
    assert 'class="share-link"' not in html_of(client.get(year_url("library:year_stats", owner)))


def test_the_goal_form_offers_the_three_visibilities_and_refuses_others(
    client, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    html = html_of(client.get(reverse("library:home")))
    assert 'name="visibility"' in html and '<option value="public" selected>Pública</option>' in html
    assert (
        '<option value="unlisted">Só com o link</option>' in html and '<option value="private">Privada</option>' in html
    )
    url = reverse("library:goal_update")
    response = client.post(url, {"year": YEAR, "books": 77, "visibility": "amigos"})
    assert response.status_code == 422 and "escolha válida" in html_of(response)
    assert not ReadingGoal.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the goal panel is cached per reader
        assert client.post(url, {"year": YEAR, "books": 77, "visibility": "unlisted"}).status_code == 302
    assert ReadingGoal.objects.get(user=owner).visibility == Visibility.UNLISTED
    assert '<option value="unlisted" selected>Só com o link</option>' in html_of(client.get(reverse("library:home")))


# --- changes take effect at once (the stats and the goal are cached per reader) ------------


@pytest.mark.parametrize("page", PAGES)
def test_hiding_lidos_hides_cached_stats_at_once(client, owner, other, page, django_capture_on_commit_callbacks):
    read_book(owner)
    client.force_login(other)
    assert SECRET_BOOK in html_of(client.get(year_url(page, owner)))  # cached now
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:shelf_visibility"), {"shelf_type": READ, "visibility": "private"})
    assert response.status_code == 302
    client.force_login(other)
    assert client.get(year_url(page, owner)).status_code == 403
    client.force_login(owner)
    assert SECRET_BOOK in html_of(client.get(year_url(page, owner)))


def test_a_review_turned_private_leaves_the_cached_public_stats_at_once(
    client, owner, other, django_capture_on_commit_callbacks
):
    read_book(owner, rating="5")
    client.force_login(other)
    assert "Nota média: 5,00" in html_of(client.get(year_url("library:year_stats", owner)))
    review = BookReview.objects.get(user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        account_services.review_update(review=review, user=owner, visibility=Visibility.PRIVATE)
    assert "Nenhuma nota neste ano." in html_of(client.get(year_url("library:year_stats", owner)))


def test_links_stop_working_when_lidos_and_the_goal_turn_private(client, owner, django_capture_on_commit_callbacks):
    read_book(owner)
    set_lidos(owner, Visibility.UNLISTED)
    goal = set_goal(owner, Visibility.UNLISTED)
    url = year_url("library:year_stats", owner)
    stats_link = {"k": lidos_token(owner)}
    goal_link = {"meta": share_token("goal", goal.pk)}
    assert SECRET_BOOK in html_of(client.get(url, stats_link))
    with django_capture_on_commit_callbacks(execute=True):
        set_lidos(owner, Visibility.PRIVATE)
    assert client.get(url, stats_link).status_code == 403
    assert GOAL_TEXT in html_of(client.get(url, goal_link))  # cached goal panel
    with django_capture_on_commit_callbacks(execute=True):
        set_goal(owner, Visibility.PRIVATE)
    assert client.get(url, goal_link).status_code == 403
    assert client.get(url, {**stats_link, **goal_link}).status_code == 403


def test_a_goal_made_private_leaves_the_profile_at_once(client, owner, other, django_capture_on_commit_callbacks):
    set_goal(owner, Visibility.PUBLIC)
    profile = reverse("accounts:profile", args=[owner.username])
    client.force_login(other)
    assert GOAL_TEXT in html_of(client.get(profile))
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("library:goal_update"), {"year": YEAR, "books": 77, "visibility": "private"})
    client.force_login(other)
    assert GOAL_TEXT not in html_of(client.get(profile))


# --- exports are their owner's alone ----------------------------------------------------------


@pytest.fixture
def owner_with_secrets(owner):
    book = read_book(owner, rating="3", review_visibility=Visibility.PRIVATE)
    BookShelfFactory(user=owner, book=book, shelf_type="custom", custom_name="Lista Secreta")
    set_lidos(owner, Visibility.PRIVATE)
    account_services.shelf_visibility_set(
        user=owner, shelf_type="custom", custom_name="Lista Secreta", visibility=Visibility.UNLISTED
    )
    set_goal(owner, Visibility.PRIVATE)
    return owner


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("export", ["library:export_account", "library:export_goodreads"])
def test_exports_need_a_signed_in_reader_and_hold_only_their_own_items(client, owner_with_secrets, other, export):
    response = client.get(reverse(export))
    assert response.status_code == 302 and "/conta/" in response["Location"]
    client.force_login(other)
    assert SECRET_BOOK not in streamed(client.get(reverse(export)))
    client.force_login(owner_with_secrets)
    assert SECRET_BOOK in streamed(client.get(reverse(export)))


def test_the_account_export_keeps_every_visibility(client, owner_with_secrets):
    client.force_login(owner_with_secrets)
    data = json.loads(streamed(client.get(reverse("library:export_account"))))
    assert data["version"] == 2 and "shelves_public" not in data["profile"]
    assert [review["visibility"] for review in data["reviews"]] == ["private"]
    assert data["goals"] == [{"year": YEAR, "books": 77, "pages": None, "visibility": "private"}]
    assert sorted(data["shelf_visibility"], key=lambda row: row["shelf_type"]) == [
        {"shelf_type": "custom", "custom_name": "Lista Secreta", "visibility": "unlisted"},
        {"shelf_type": "read", "custom_name": "", "visibility": "private"},
    ]


def test_a_past_year_page_follows_the_same_rules(client, owner):
    book = BookFactory(title="Lido Antigo")
    BookShelfFactory(user=owner, book=book, shelf_type=READ, finished_at=date(YEAR - 3, 5, 1))
    assert "Lido Antigo" in html_of(client.get(year_url("library:year_stats", owner, YEAR - 3)))
    set_lidos(owner, Visibility.PRIVATE)
    assert client.get(year_url("library:year_stats", owner, YEAR - 3)).status_code == 403
