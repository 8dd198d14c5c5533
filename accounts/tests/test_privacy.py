"""Per-item privacy on the accounts pages: every shelf and review × visibility × viewer.

Each item carries a unique marker (a book title, a review text) and each test asserts the
marker's presence or absence in the HTML, plus the status code. A public control item is
always on the page, so an absent marker never passes because the page came out empty.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import selectors, services
from accounts.models import BookReview, BookShelf, ShelfVisibility
from accounts.tests.factories import BookReviewFactory, BookShelfFactory
from catalog.tests.factories import BookFactory
from core.privacy import Visibility, share_token
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ShelfType = BookShelf.ShelfType
VISIBILITIES = list(Visibility.values)
VIEWERS = ["anonymous", "other", "owner"]
CONTROL = "Livro Aberto Controle"
SECRET_TEXT = "Texto secreto da resenha xq7"
# key: (shelf type, custom name, the title of the one book on it)
SHELVES = {
    "lidos": (ShelfType.READ, "", "Livro Secreto Lidos"),
    "lista": (ShelfType.CUSTOM, "Lista Secreta", "Livro Secreto Lista"),
}


@pytest.fixture
def owner(db):
    return UserFactory(username="dona-dos-segredos")


@pytest.fixture
def other(db):
    return UserFactory(username="leitor-curioso")


def shelve(owner, shelf_type, title, custom_name="", finished=None):
    today = timezone.localdate()
    finished = finished or (today if shelf_type == ShelfType.READ else None)
    return BookShelfFactory(
        user=owner,
        book=BookFactory(title=title),
        shelf_type=shelf_type,
        custom_name=custom_name,
        finished_at=finished,
        started_at=finished - timedelta(days=3) if finished else None,
    ).book


def shelf_with_control(owner, key, visibility):
    """The shelf `key` holding its secret book, set to `visibility`, plus a public control shelf."""
    shelf_type, name, title = SHELVES[key]
    shelve(owner, shelf_type, title, name)
    shelve(owner, ShelfType.WANT_TO_READ, CONTROL)
    services.shelf_visibility_set(user=owner, shelf_type=shelf_type, custom_name=name, visibility=visibility)
    return shelf_type, name, title


def as_viewer(client, who, owner, other):
    if who == "owner":
        client.force_login(owner)
    elif who == "other":
        client.force_login(other)
    return client


def sees(visibility, who) -> bool:
    return who == "owner" or visibility == Visibility.PUBLIC


def html_of(response) -> str:
    return response.content.decode()


def profile_url(user):
    return reverse("accounts:profile", kwargs={"username": user.username})


def shelves_url(user):
    return reverse("accounts:shelves", kwargs={"username": user.username})


def shelf_query(shelf_type, name="", token=None) -> dict:
    query = {"estante": shelf_type}
    if name:
        query["nome"] = name
    if token:
        query["k"] = token
    return query


# --- shelves: lists on the profile and the shelves overview ---------------------------------


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("key", SHELVES)
@pytest.mark.parametrize("page", [profile_url, shelves_url], ids=["profile", "shelves"])
def test_lists_show_a_shelf_only_when_public_or_to_its_owner(client, owner, other, page, key, visibility, who):
    shelf_type, name, title = shelf_with_control(owner, key, visibility)
    response = as_viewer(client, who, owner, other).get(page(owner))
    html = html_of(response)
    assert response.status_code == 200 and CONTROL in html
    # the book (recently added / the overview's grid), the shelf's count link and its name
    assert (title in html) == sees(visibility, who)
    assert (f"?estante={shelf_type}" in html) == sees(visibility, who)
    if name:
        assert (name in html) == sees(visibility, who)


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_profile_reading_stats_follow_the_lidos_shelf(client, owner, other, visibility, who):
    shelf_with_control(owner, "lidos", visibility)
    html = html_of(as_viewer(client, who, owner, other).get(profile_url(owner)))
    shown = sees(visibility, who)
    assert ('id="estatisticas-titulo"' in html) == shown
    assert ('id="reading-stats-data"' in html) == shown  # the monthly chart's data
    assert ("accounts/reading-stats.js" in html) == shown


def test_a_hidden_custom_shelf_leaves_the_public_lidos_stats_alone(client, owner, other):
    shelf_with_control(owner, "lista", Visibility.PRIVATE)
    shelve(owner, ShelfType.READ, "Livro Aberto Lidos")
    client.force_login(other)
    html = html_of(client.get(profile_url(owner)))
    assert 'id="estatisticas-titulo"' in html and "Livro Aberto Lidos" in html
    assert "Livro Secreto Lista" not in html


def test_a_reader_with_only_hidden_shelves_says_so_to_others(client, owner, other):
    shelve(owner, ShelfType.READ, "Livro Secreto Lidos")
    services.shelf_visibility_set(user=owner, shelf_type=ShelfType.READ, visibility=Visibility.UNLISTED)
    html = html_of(client.get(profile_url(owner)))
    assert "Este leitor não tem estantes públicas." in html and "Livro Secreto Lidos" not in html
    assert "Ver todas as estantes" not in html


# --- shelves: one shelf opened with ?estante= (and ?k= for an unlisted one) ------------------


def tokens_for(owner, other, shelf_type, name) -> dict:
    return {
        "none": None,
        "own": selectors.shelf_share_token(user_id=owner.pk, shelf_type=shelf_type, custom_name=name),
        # the same shelf of another reader, another shelf of the owner, another kind of item
        "other_reader": selectors.shelf_share_token(user_id=other.pk, shelf_type=shelf_type, custom_name=name),
        "other_shelf": selectors.shelf_share_token(user_id=owner.pk, shelf_type=ShelfType.WANT_TO_READ),
        "other_kind": share_token("review", f"{owner.pk}:{shelf_type}:{name.lower()}"),
        "garbage": "x" * 27,
    }


@pytest.mark.parametrize("token", ["none", "own", "other_reader", "other_shelf", "other_kind", "garbage"])
@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("key", SHELVES)
def test_one_shelf_opens_when_public_own_or_unlisted_with_its_link(client, owner, other, key, visibility, who, token):
    shelf_type, name, title = shelf_with_control(owner, key, visibility)
    token_value = tokens_for(owner, other, shelf_type, name)[token]
    response = as_viewer(client, who, owner, other).get(shelves_url(owner), shelf_query(shelf_type, name, token_value))
    allowed = sees(visibility, who) or (visibility == Visibility.UNLISTED and token == "own")
    assert response.status_code == (200 if allowed else 404)
    assert (title in html_of(response)) == allowed
    assert CONTROL not in html_of(response)  # an opened shelf shows its own books only


@pytest.mark.parametrize("visibility", [Visibility.UNLISTED, Visibility.PRIVATE])
def test_a_custom_shelf_name_in_another_case_does_not_open_a_hidden_shelf(client, owner, visibility):
    shelf_with_control(owner, "lista", visibility)
    response = client.get(shelves_url(owner), shelf_query(ShelfType.CUSTOM, "LISTA secreta"))
    assert response.status_code == 404 and "Livro Secreto Lista" not in html_of(response)


def test_an_unlisted_shelf_link_keeps_its_token_on_the_next_page(client, owner):
    for index in range(30):  # more than one page of 24
        shelve(owner, ShelfType.READ, f"Livro Lido {index:02d}")
    services.shelf_visibility_set(user=owner, shelf_type=ShelfType.READ, visibility=Visibility.UNLISTED)
    token = selectors.shelf_share_token(user_id=owner.pk, shelf_type=ShelfType.READ)
    html = html_of(client.get(shelves_url(owner), shelf_query(ShelfType.READ, token=token)))
    assert f"k={token}" in html and "pagina=2" in html
    assert client.get(shelves_url(owner), {**shelf_query(ShelfType.READ, token=token), "pagina": 2}).status_code == 200
    assert client.get(shelves_url(owner), {**shelf_query(ShelfType.READ), "pagina": 2}).status_code == 404


# --- shelves: changes take effect at once ------------------------------------------------------


def test_making_a_shelf_private_hides_it_from_the_next_request(client, owner, other):
    shelf_with_control(owner, "lidos", Visibility.PUBLIC)
    client.force_login(other)
    assert "Livro Secreto Lidos" in html_of(client.get(profile_url(owner)))
    assert client.get(shelves_url(owner), shelf_query(ShelfType.READ)).status_code == 200
    client.force_login(owner)
    response = client.post(
        reverse("accounts:shelf_visibility"), {"shelf_type": ShelfType.READ, "visibility": Visibility.PRIVATE}
    )
    assert response.status_code == 302
    client.force_login(other)
    html = html_of(client.get(profile_url(owner)))
    assert "Livro Secreto Lidos" not in html and 'id="estatisticas-titulo"' not in html
    assert client.get(shelves_url(owner), shelf_query(ShelfType.READ)).status_code == 404
    client.logout()
    assert "Livro Secreto Lidos" not in html_of(client.get(profile_url(owner)))


@pytest.mark.parametrize("key", SHELVES)
def test_an_unlisted_shelf_link_stops_working_when_the_shelf_turns_private(client, owner, key):
    shelf_type, name, title = shelf_with_control(owner, key, Visibility.UNLISTED)
    query = shelf_query(
        shelf_type, name, selectors.shelf_share_token(user_id=owner.pk, shelf_type=shelf_type, custom_name=name)
    )
    assert title in html_of(client.get(shelves_url(owner), query))
    services.shelf_visibility_set(user=owner, shelf_type=shelf_type, custom_name=name, visibility=Visibility.PRIVATE)
    response = client.get(shelves_url(owner), query)
    assert response.status_code == 404 and title not in html_of(response)
    # and making it unlisted again reopens the very same link (no token is stored)
    services.shelf_visibility_set(user=owner, shelf_type=shelf_type, custom_name=name, visibility=Visibility.UNLISTED)
    assert client.get(shelves_url(owner), query).status_code == 200


# --- shelves: the owner's visibility form ---------------------------------------------------


def post_visibility(client, **data):
    return client.post(reverse("accounts:shelf_visibility"), data)


@pytest.mark.parametrize("key", SHELVES)
def test_the_owner_sets_a_shelf_visibility_and_sees_the_share_link(client, owner, key):
    shelf_type, name, title = SHELVES[key]
    shelve(owner, shelf_type, title, name)
    client.force_login(owner)
    page = shelves_url(owner)
    form = html_of(client.get(page, shelf_query(shelf_type, name)))
    assert 'action="/leitores/estantes/visibilidade/"' in form and 'name="visibility"' in form
    assert all(f'<option value="{value}"' in form for value in VISIBILITIES)
    # a custom shelf is found whatever the case it is typed in
    response = post_visibility(
        client, shelf_type=shelf_type, custom_name=name.upper(), visibility=Visibility.UNLISTED, next=page
    )
    assert response.status_code == 302 and response["Location"] == page
    setting = ShelfVisibility.objects.get(user=owner)
    assert (setting.shelf_type, setting.custom_name, setting.visibility) == (shelf_type, name, Visibility.UNLISTED)
    html = html_of(client.get(page, shelf_query(shelf_type, name)))
    assert '<option value="unlisted" selected>' in html and 'class="share-link"' in html
    link = html.split('class="share-link"', 1)[1].split('value="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "k=" in link
    # the profile marks the shelf for its owner
    assert "Só com o link" in html_of(client.get(profile_url(owner)))
    client.logout()
    shared = client.get(link.split("://testserver", 1)[1])
    assert shared.status_code == 200 and title in html_of(shared)
    # saving again updates the one row
    client.force_login(owner)
    post_visibility(client, shelf_type=shelf_type, custom_name=name, visibility=Visibility.PUBLIC)
    assert ShelfVisibility.objects.get(user=owner).visibility == Visibility.PUBLIC


def test_a_public_or_private_shelf_shows_no_share_link(client, owner):
    shelve(owner, ShelfType.READ, "Livro Secreto Lidos")
    client.force_login(owner)
    for visibility in (Visibility.PUBLIC, Visibility.PRIVATE):
        post_visibility(client, shelf_type=ShelfType.READ, visibility=visibility)
        assert 'class="share-link"' not in html_of(client.get(shelves_url(owner), shelf_query(ShelfType.READ)))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"shelf_type": "read", "visibility": "secreta"}, "escolha válida"),
        ({"shelf_type": "read", "visibility": ""}, "obrigatório"),
        ({"shelf_type": "prateleira", "visibility": "private"}, "escolha válida"),
        ({"shelf_type": "custom", "custom_name": "Não Existe", "visibility": "private"}, "Estante não encontrada."),
        ({"shelf_type": "custom", "custom_name": "", "visibility": "private"}, ""),
        ({"shelf_type": "custom", "custom_name": "x" * 61, "visibility": "private"}, "no máximo 60"),
    ],
    ids=["bad-visibility", "no-visibility", "bad-shelf", "unknown-custom", "custom-without-name", "long-name"],
)
def test_bad_shelf_visibility_input_is_a_422_in_portuguese_and_writes_nothing(client, owner, data, message):
    shelve(owner, ShelfType.CUSTOM, "Livro Secreto Lista", "Lista Secreta")
    client.force_login(owner)
    response = post_visibility(client, **data)
    assert response.status_code == 422
    assert "Não foi possível salvar" in html_of(response) and message in html_of(response)
    assert not ShelfVisibility.objects.exists()


def test_another_readers_shelf_cannot_be_set_and_anonymous_must_sign_in(client, owner, other):
    shelve(owner, ShelfType.CUSTOM, "Livro Secreto Lista", "Lista Secreta")
    response = post_visibility(client, shelf_type="custom", custom_name="Lista Secreta", visibility="private")
    assert response.status_code == 302 and "/conta/" in response["Location"]
    client.force_login(other)  # the form always acts on the signed-in reader's own shelves
    assert (
        post_visibility(client, shelf_type="custom", custom_name="Lista Secreta", visibility="private").status_code
        == 422
    )
    assert client.get(reverse("accounts:shelf_visibility")).status_code == 405
    assert not ShelfVisibility.objects.exists()


# --- reviews --------------------------------------------------------------------------------


@pytest.fixture
def book(db):
    return BookFactory(title="Livro das Resenhas")


def review_of(owner, book, visibility, rating="2.5"):
    return BookReviewFactory(
        user=owner, book=book, rating=Decimal(rating), title="Titulo secreto", text=SECRET_TEXT, visibility=visibility
    )


def review_url(review):
    return reverse("accounts:review_detail", kwargs={"pk": review.pk})


def review_tokens(review, other_review) -> dict:
    return {
        "none": None,
        "own": selectors.review_share_token(review),
        "other_review": selectors.review_share_token(other_review),
        "other_kind": share_token("goal", review.pk),
        "garbage": "abc",
    }


@pytest.mark.parametrize("token", ["none", "own", "other_review", "other_kind", "garbage"])
@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_review_page_opens_when_public_own_or_unlisted_with_its_link(
    client, owner, other, book, visibility, who, token
):
    review = review_of(owner, book, visibility)
    another = review_of(other, BookFactory(), Visibility.UNLISTED)
    token_value = review_tokens(review, another)[token]
    response = as_viewer(client, who, owner, other).get(review_url(review), {"k": token_value} if token_value else {})
    allowed = sees(visibility, who) or (visibility == Visibility.UNLISTED and token == "own")
    assert response.status_code == (200 if allowed else 404)
    assert (SECRET_TEXT in html_of(response)) == allowed
    if allowed and visibility != Visibility.PUBLIC:
        assert '<meta name="robots" content="noindex">' in html_of(response)


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_book_page_counts_every_rating_but_shows_public_reviews_only(client, owner, other, book, visibility, who):
    review_of(owner, book, visibility, rating="2.5")
    BookReviewFactory(user=UserFactory(username="resenhista-aberto"), book=book, rating=Decimal("4.5"), text=CONTROL)
    html = html_of(as_viewer(client, who, owner, other).get(book.get_absolute_url()))
    assert CONTROL in html
    # the rating counts anonymously in the average whatever the visibility: (2,5 + 4,5) / 2
    assert "(2 avaliações)" in html and "<strong>3,5</strong>" in html
    if who == "owner":
        assert SECRET_TEXT in html  # in "Sua avaliação", with its visibility badge
        assert (f'<span class="badge">{Visibility(visibility).label}</span>' in html) == (visibility != "public")
    else:
        public = visibility == Visibility.PUBLIC
        assert (SECRET_TEXT in html) == public and ("Titulo secreto" in html) == public
        assert (owner.username in html) == public and (review_url(BookReview.objects.get(user=owner)) in html) == public


@pytest.mark.parametrize("who", VIEWERS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_all_reviews_page_lists_public_reviews_only(client, owner, other, book, visibility, who):
    review_of(owner, book, visibility)
    BookReviewFactory(book=book, text=CONTROL)
    url = reverse("accounts:book_reviews", kwargs={"slug": book.slug})
    html = html_of(as_viewer(client, who, owner, other).get(url))
    assert CONTROL in html
    assert (SECRET_TEXT in html) == (visibility == Visibility.PUBLIC)
    if who != "owner":
        assert (owner.username in html) == (visibility == Visibility.PUBLIC)


def test_book_page_links_to_all_reviews_by_the_public_count(client, owner, book, django_capture_on_commit_callbacks):
    for index in range(10):
        BookReviewFactory(book=book, text=f"Aberta {index}")
    review_of(owner, book, Visibility.PRIVATE)
    html = html_of(client.get(book.get_absolute_url()))
    assert "(11 avaliações)" in html and "Ver todas as" not in html  # 10 public: all on the page
    with django_capture_on_commit_callbacks(execute=True):  # the summary is flushed after commit
        services.review_create(user=UserFactory(), book=book, rating="4", text="Mais uma")
    client.force_login(owner)  # a fresh page (anonymous ones are micro-cached)
    assert "Ver todas as 11 resenhas" in html_of(client.get(book.get_absolute_url()))


@pytest.mark.parametrize("visibility", [Visibility.UNLISTED, Visibility.PRIVATE])
def test_a_non_public_review_takes_no_helpful_votes(client, owner, other, book, visibility):
    review = review_of(owner, book, visibility)
    client.force_login(other)
    assert client.post(reverse("accounts:review_helpful", kwargs={"pk": review.pk})).status_code == 404
    assert BookReview.objects.get(pk=review.pk).helpful_count == 0


def test_making_a_review_private_hides_it_at_once_and_closes_its_link(
    client, owner, other, book, django_capture_on_commit_callbacks
):
    review = review_of(owner, book, Visibility.UNLISTED)
    link = {"k": selectors.review_share_token(review)}
    assert SECRET_TEXT in html_of(client.get(review_url(review), link))
    edit = reverse("accounts:review_edit", kwargs={"pk": review.pk})

    def edit_as_owner(visibility):
        client.force_login(owner)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(edit, {"rating": "4.5", "text": SECRET_TEXT, "visibility": visibility})
        assert response.status_code == 302
        client.force_login(other)

    edit_as_owner(Visibility.PUBLIC)
    assert SECRET_TEXT in html_of(client.get(book.get_absolute_url()))  # the cached summary is filled
    edit_as_owner(Visibility.PRIVATE)
    html = html_of(client.get(book.get_absolute_url()))
    assert SECRET_TEXT not in html and "(1 avaliação)" in html
    assert SECRET_TEXT not in html_of(client.get(reverse("accounts:book_reviews", kwargs={"slug": book.slug})))
    client.logout()
    assert client.get(review_url(review), link).status_code == 404


def test_the_review_forms_offer_the_three_visibilities(client, owner, book):
    client.force_login(owner)
    html = html_of(client.get(book.get_absolute_url()))
    assert 'name="visibility"' in html and '<option value="public" selected>Pública</option>' in html
    assert (
        '<option value="unlisted">Só com o link</option>' in html and '<option value="private">Privada</option>' in html
    )
    create = reverse("accounts:review_create", kwargs={"slug": book.slug})
    response = client.post(create, {"rating": "4", "text": SECRET_TEXT, "visibility": "unlisted"})
    assert response.status_code == 302
    review = BookReview.objects.get(user=owner)
    assert review.visibility == Visibility.UNLISTED
    edit = html_of(client.get(reverse("accounts:review_edit", kwargs={"pk": review.pk})))
    assert '<option value="unlisted" selected>Só com o link</option>' in edit


def test_a_bad_review_visibility_is_refused_and_writes_nothing(client, owner, book):
    client.force_login(owner)
    create = reverse("accounts:review_create", kwargs={"slug": book.slug})
    response = client.post(create, {"rating": "4", "text": "x", "visibility": "amigos"})
    assert response.status_code == 422 and "escolha válida" in html_of(response)
    assert not BookReview.objects.exists()
    review = review_of(owner, book, Visibility.PRIVATE)
    edit = reverse("accounts:review_edit", kwargs={"pk": review.pk})
    assert client.post(edit, {"rating": "4", "text": "x", "visibility": "amigos"}).status_code == 422
    assert BookReview.objects.get(pk=review.pk).visibility == Visibility.PRIVATE


def test_the_owner_sees_the_share_link_of_an_unlisted_review_and_it_works_for_anyone(client, owner, book):
    review = review_of(owner, book, Visibility.UNLISTED)
    client.force_login(owner)
    html = html_of(client.get(review_url(review)))
    assert "Visibilidade: Só com o link." in html and 'class="share-link"' in html
    link = html.split('class="share-link"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert link == f"http://testserver{review_url(review)}?k={selectors.review_share_token(review)}"
    client.logout()
    response = client.get(link.removeprefix("http://testserver"))
    assert response.status_code == 200 and SECRET_TEXT in html_of(response)
    # the helpful button is for public reviews only
    assert reverse("accounts:review_helpful", kwargs={"pk": review.pk}) not in html_of(response)


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.PRIVATE])
def test_public_and_private_reviews_show_no_share_link(client, owner, book, visibility):
    review = review_of(owner, book, visibility)
    client.force_login(owner)
    assert 'class="share-link"' not in html_of(client.get(review_url(review)))


@pytest.mark.parametrize("change", ["made private", "hidden by a moderator"])
def test_the_anonymous_book_page_drops_a_review_at_once_when_it_is_hidden(
    client, owner, book, settings, django_capture_on_commit_callbacks, change
):
    from moderation import services as moderation

    settings.PAGE_CACHE_SECONDS = 10  # the production default (the tests turn it off)
    review = review_of(owner, book, Visibility.PUBLIC)
    url = book.get_absolute_url()
    first = client.get(url)
    assert first["X-Page-Cache"] == "shared" and SECRET_TEXT in html_of(first)  # rendered for both
    assert client.get(url)["X-Page-Cache"] == "hit"  # stored for anonymous readers
    with django_capture_on_commit_callbacks(execute=True):
        if change == "made private":
            services.review_update(review=review, user=owner, visibility=Visibility.PRIVATE)
        else:
            moderation.review_hide(review=review, actor=UserFactory(is_staff=True), reason="Ofensa")
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "shared" and SECRET_TEXT not in html_of(fresh)


# --- custom shelves: spelled without a name, or in another case ---------------------------


@pytest.mark.parametrize("visibility", [Visibility.UNLISTED, Visibility.PRIVATE])
@pytest.mark.parametrize("who", ["anonymous", "other"])
def test_custom_shelves_opened_without_a_name_hide_the_hidden_ones(client, owner, other, who, visibility):
    shelf_with_control(owner, "lista", visibility)
    shelve(owner, ShelfType.CUSTOM, "Livro Aberto Lista", "Lista Aberta")
    response = as_viewer(client, who, owner, other).get(shelves_url(owner), {"estante": "custom"})
    html = html_of(response)
    assert "Livro Secreto Lista" not in html
    assert "Lista Secreta" not in html


def test_a_private_custom_shelf_refilled_in_another_case_stays_out_of_lists(client, owner):
    from accounts import services
    from catalog.tests.factories import BookFactory

    first, secret = BookFactory(title="Primeiro Livro"), BookFactory(title="Livro Secreto Lista")
    services.shelf_add(user=owner, book=first, shelf_type="custom", custom_name="Lista Secreta")
    services.shelf_visibility_set(user=owner, shelf_type="custom", custom_name="Lista Secreta", visibility="private")
    services.shelf_remove(user=owner, book=first, shelf_type="custom", custom_name="Lista Secreta")
    # the emptied shelf keeps its setting; the reader fills it again, typing the name in lower case
    services.shelf_add(user=owner, book=secret, shelf_type="custom", custom_name="lista secreta")
    shelve(owner, ShelfType.WANT_TO_READ, CONTROL)
    for url in (f"/leitores/{owner.username}/", shelves_url(owner)):
        html = html_of(client.get(url))
        assert CONTROL in html
        assert "Livro Secreto Lista" not in html


@pytest.mark.parametrize(
    "visibility, status", [(Visibility.PUBLIC, 403), (Visibility.UNLISTED, 404), (Visibility.PRIVATE, 404)]
)
def test_editing_another_readers_review_never_reveals_a_hidden_one(client, owner, other, visibility, status):
    review = BookReviewFactory(user=owner, visibility=visibility)
    client.force_login(other)
    assert client.get(reverse("accounts:review_edit", kwargs={"pk": review.pk})).status_code == status
    assert client.post(reverse("accounts:review_delete", kwargs={"pk": review.pk})).status_code == status
    assert BookReview.objects.filter(pk=review.pk).exists()


def test_a_review_form_without_the_visibility_field_keeps_the_reviews_visibility(client, owner):
    review = BookReviewFactory(user=owner, visibility=Visibility.PRIVATE)
    client.force_login(owner)
    url = reverse("accounts:review_edit", kwargs={"pk": review.pk})
    assert client.post(url, {"rating": "3", "text": "Revisto."}).status_code == 302
    review.refresh_from_db()
    assert (review.text, review.visibility) == ("Revisto.", Visibility.PRIVATE)
